// Lambda's platform log lines (START / END / REPORT) and the per-invocation log buffer behind `Tail`.
import { LIMITS } from '../contract.js';

/** Figures for one REPORT line. */
export interface ReportFigures {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  /** Only on the invocation that paid for the environment's initialisation. */
  readonly initDurationMs?: number;
}

/** Lambda bills every started millisecond, and at least one. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

export function reportLine(f: ReportFigures): string {
  const fields = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billedMs(f.durationMs)} ms`,
    `Memory Size: ${f.memoryMb} MB`,
    `Max Memory Used: ${f.maxMemoryUsedMb} MB`,
  ];
  if (f.initDurationMs !== undefined) fields.push(`Init Duration: ${f.initDurationMs.toFixed(2)} ms`);
  return `${fields.join('\t')}\t\n`;
}

/** Keeps the end of one invocation's log: enough for the 4 KB tail, never the whole output. */
export class InvocationLog {
  private parts: string[] = [];
  private length = 0;

  append(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    // Characters are at least one byte, so 2x the byte limit in characters always covers the tail.
    if (this.length > LIMITS.tailBytes * 4) this.compact();
  }

  text(): string {
    return this.parts.join('');
  }

  private compact(): void {
    const text = this.parts.join('');
    const kept = text.slice(text.length - LIMITS.tailBytes * 2);
    this.parts = [kept];
    this.length = kept.length;
  }
}
