// Billed duration from an invocation's log tail, summed over a run and priced with lambda-ml's price table.
import { tieredDurationUsd } from '../cost/lambda.js';
import { type Architecture, LAMBDA_PRICES, LAMBDA_USD_PER_MILLION_REQUESTS } from '../cost/prices.js';

export interface Report {
  readonly billedMs: number;
  readonly memoryMb: number;
}

/** The REPORT line of a log tail: `... Billed Duration: 2 ms\tMemory Size: 128 MB ...`; null when absent. */
export function parseReport(logTail: string | undefined): Report | null {
  if (logTail === undefined) return null;
  const lines = logTail.split('\n').filter((line) => line.startsWith('REPORT '));
  const line = lines.at(-1);
  if (line === undefined) return null;
  const billed = /Billed Duration: (\d+(?:\.\d+)?) ms/.exec(line);
  const memory = /Memory Size: (\d+) MB/.exec(line);
  if (billed === null || memory === null) return null;
  return { billedMs: Number(billed[1]), memoryMb: Number(memory[1]) };
}

/** What a run was billed, from the invocations whose log tail carried a REPORT line. */
export class BillingTally {
  billedMs = 0;
  /** Invocations with a REPORT line (retried attempts included: they are billed too). */
  reported = 0;
  /** All invocations made, reported or not. */
  invocations = 0;
  /** Billed GB-seconds (each call's billed ms × its memory). */
  gbSeconds = 0;
  memoryMb: number | null = null;

  add(logTail: string | undefined): void {
    this.invocations++;
    const report = parseReport(logTail);
    if (report === null) return;
    this.reported++;
    this.billedMs += report.billedMs;
    this.gbSeconds += (report.billedMs / 1000) * (report.memoryMb / 1024);
    this.memoryMb = report.memoryMb;
  }

  /**
   * On-demand price of this run on Lambda (first duration tier, no free tier: the run's own cost), or
   * null when no call reported its billed duration.
   */
  costUsd(arch: Architecture): number | null {
    if (this.reported === 0) return null;
    const duration = tieredDurationUsd(this.gbSeconds, LAMBDA_PRICES[arch].durationTiers);
    return duration + (this.invocations / 1e6) * LAMBDA_USD_PER_MILLION_REQUESTS;
  }
}
