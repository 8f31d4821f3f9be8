// `lambda-ml cost`: monthly Lambda cost next to an always-on Fargate task and EC2 instance, with break-even rates.
import type { Command } from 'commander';
import { readBenchFigures } from '../../cost/bench-result.js';
import { estimateCost, formatCostReport } from '../../cost/estimate.js';
import { parseCostFlags } from '../../cost/input.js';

interface CostFlags {
  readonly requests?: string;
  readonly durationMs?: string;
  readonly memory?: string;
  readonly arch?: string;
  readonly provisioned?: string;
  readonly coldStartRatio?: string;
  readonly initMs?: string;
  readonly fromBench?: string;
  readonly freeTier: boolean;
  readonly json?: boolean;
}

export function registerCost(program: Command): void {
  program
    .command('cost')
    .description(
      'estimate the monthly AWS bill on Lambda and the request rate where an always-on server is cheaper',
    )
    .option('--requests <n>', 'invocations per month')
    .option('--duration-ms <ms>', 'mean handler duration per invocation (or from --from-bench)')
    .option('--memory <MB>', 'function memory, 128..10240')
    .option('--arch <arch>', 'arm64 or x86_64', 'arm64')
    .option('--provisioned <n>', 'provisioned concurrency (instances kept warm all month)')
    .option(
      '--cold-start-ratio <r>',
      'share of on-demand invocations that are cold starts, 0..1 (needs --init-ms)',
    )
    .option('--init-ms <ms>', 'init duration of a cold start (billed for container images)')
    .option('--from-bench <file>', 'take duration and init time from a `lambda-ml bench` JSON result')
    .option('--no-free-tier', 'do not subtract the monthly free tier')
    .option('--json', 'print the estimate as JSON')
    .action((flags: CostFlags) => {
      const bench = flags.fromBench === undefined ? null : readBenchFigures(flags.fromBench);
      const input = parseCostFlags(flags, bench);
      const report = estimateCost(input);
      process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCostReport(report)}\n`,
      );
    });
}
