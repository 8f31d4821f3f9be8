// Renders a bench report as a small text table.

import type { LoadResult } from './load.js';
import type { BenchReport } from './run.js';

const ms = (value: number) => (value < 1 ? value.toFixed(3) : value.toFixed(2));

function loadRow(name: string, r: LoadResult): string {
  const l = r.latency;
  return [name, r.calls, r.errors, r.perSecond.toFixed(0), ms(l.p50Ms), ms(l.p90Ms), ms(l.p99Ms), ms(l.maxMs)]
    .map(String)
    .join('\t');
}

export function formatReport(report: BenchReport): string {
  const lines = [`endpoint: ${report.endpoint}`];
  if (report.cold !== undefined) {
    lines.push(
      `cold start (launch -> first correct answer), median of ${report.cold.runs}: ${ms(report.cold.medianMs)} ms`,
    );
  }
  lines.push('phase\tcalls\terrors\tcalls/s\tp50 ms\tp90 ms\tp99 ms\tmax ms');
  lines.push(loadRow('warm (sequential)', report.warm));
  lines.push(loadRow(`throughput (${report.throughput.concurrency} clients)`, report.throughput));
  for (const r of [report.warm, report.throughput])
    if (r.firstError !== undefined) lines.push(`first error: ${r.firstError}`);
  if (report.rssMb !== undefined) {
    lines.push(
      `RSS: emulator ${report.rssMb.emulator.toFixed(1)} MB, instances ${report.rssMb.instances.toFixed(1)} MB`,
    );
  }
  return `${lines.join('\n')}\n`;
}
