// Resident memory of a runtime process and its descendants, read from /proc (Linux) for OOM checks.
import { readFileSync } from 'node:fs';

/** Reads one process's VmRSS in bytes; 0 when the process is gone or /proc is unavailable. */
export function ownRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** Direct children of a process (empty when unknown). */
export function children(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim();
    return text === '' ? [] : text.split(' ').map(Number);
  } catch {
    return [];
  }
}

/**
 * RSS of `pid` plus every descendant: a `--bootstrap` may be a shell script that starts the real
 * runtime as its child, and the memory limit applies to the whole environment as in Lambda.
 */
export function readTreeRss(pid: number): number {
  let total = 0;
  const stack = [pid];
  let guard = 0;
  while (stack.length > 0 && guard++ < 256) {
    const next = stack.pop() as number;
    total += ownRss(next);
    stack.push(...children(next));
  }
  return total;
}
