// One cost report: Lambda's monthly bill next to the always-on alternatives and the break-even rates.
import { type AlwaysOnCost, ec2MonthlyCost, fargateMonthlyCost } from './always-on.js';
import { type BreakEven, breakEvenRequests } from './break-even.js';
import { type LambdaCost, type LambdaCostInput, lambdaMonthlyCost } from './lambda.js';
import { PRICE_REGION, PRICES_AS_OF } from './prices.js';

export interface Alternative extends AlwaysOnCost {
  readonly breakEven: BreakEven;
}

export interface CostReport {
  readonly input: LambdaCostInput;
  readonly pricesAsOf: string;
  readonly region: string;
  readonly lambda: LambdaCost;
  readonly alternatives: readonly Alternative[];
}

export function estimateCost(input: LambdaCostInput): CostReport {
  const { requests: _requests, ...perRequest } = input;
  const alternatives = [fargateMonthlyCost(input.arch), ec2MonthlyCost(input.arch)].map((alt) => ({
    ...alt,
    breakEven: breakEvenRequests(perRequest, alt.monthlyUsd),
  }));
  return {
    input,
    pricesAsOf: PRICES_AS_OF,
    region: PRICE_REGION,
    lambda: lambdaMonthlyCost(input),
    alternatives,
  };
}

const usd = (value: number) => `$${value.toFixed(2)}`;

function describeBreakEven(breakEven: BreakEven): string {
  if (breakEven.requestsPerMonth === null) return 'Lambda stays cheaper at any realistic rate';
  if (breakEven.requestsPerMonth === 0) return 'Lambda is never cheaper (fixed costs alone exceed it)';
  const perSecond = breakEven.requestsPerSecond ?? 0;
  return `break-even at ${Math.round(breakEven.requestsPerMonth).toLocaleString('en-US')} requests/month (${perSecond.toFixed(2)}/s)`;
}

/** The human-readable report the CLI prints. */
export function formatCostReport(report: CostReport): string {
  const { input, lambda } = report;
  const lines = [
    `Lambda (${input.arch}, ${input.memoryMb} MB, ${input.durationMs} ms, ${input.requests.toLocaleString('en-US')} requests/month${input.freeTier ? ', free tier applied' : ''})`,
    `  compute      ${usd(lambda.computeUsd)}  (${Math.round(lambda.billableGbSeconds).toLocaleString('en-US')} billable GB-s)`,
    `  requests     ${usd(lambda.requestsUsd)}  (${Math.round(lambda.billableRequests).toLocaleString('en-US')} billable)`,
  ];
  if (input.provisioned > 0) {
    lines.push(
      `  provisioned  ${usd(lambda.provisionedUsd)}  (${input.provisioned} instances, ${(lambda.provisionedShare * 100).toFixed(1)}% of requests)`,
    );
  }
  lines.push(`  total        ${usd(lambda.totalUsd)} per month`, '', 'Always-on alternatives');
  for (const alt of report.alternatives) {
    lines.push(
      `  ${alt.name} (${alt.size}): ${usd(alt.monthlyUsd)} per month; ${describeBreakEven(alt.breakEven)}`,
    );
  }
  lines.push(
    '',
    `Prices: ${report.region} on-demand list prices as of ${report.pricesAsOf} (src/cost/prices.ts).`,
  );
  return lines.join('\n');
}
