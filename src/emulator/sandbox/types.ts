// What the sandbox needs from the outside world, injected so tests can swap clock, spawning and memory.
import type { ChildProcess } from 'node:child_process';
import type { RuntimeEndpointFactory } from '../contract.js';
import type { EmulatorEvents } from '../events.js';

/** Fixed settings shared by every execution environment of one function. */
export interface SandboxConfig {
  /** argv of the runtime process (`node dist/runtime/main.js` or a `--bootstrap`). */
  readonly command: readonly string[];
  /** The process environment, without AWS_LAMBDA_RUNTIME_API (added per environment). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly initTimeoutMs: number;
  readonly memoryMb: number;
  readonly functionArn: string;
}

export interface SandboxDeps {
  readonly config: SandboxConfig;
  readonly createEndpoint: RuntimeEndpointFactory;
  readonly spawn: (command: readonly string[], env: Record<string, string>) => ChildProcess;
  readonly clock: { now(): number };
  /** When `spawn` returned a process started earlier (a prestarted runtime), its start time on `clock`. */
  readonly startedAt?: (child: ChildProcess) => number | undefined;
  /** Resident bytes of a process tree (0 when unknown). */
  readonly readRss: (pid: number) => number;
  /**
   * Signals a runtime process's whole process group (falling back to the pid alone, unless
   * `groupOnly`: after the runtime itself has exited and been reaped, its pid may belong to another).
   */
  readonly kill: (pid: number, signal: NodeJS.Signals, groupOnly?: boolean) => void;
  /** Where platform and function log text goes (the emulator's stdout by default). */
  readonly writeLog: (text: string) => void;
  /** Where the pool publishes instance and invocation events (none when absent). */
  readonly events?: EmulatorEvents;
}

/** Signals the process group of `pid` (the runtime may have children), falling back to the pid alone. */
export function killGroup(pid: number, signal: NodeJS.Signals, groupOnly = false): void {
  try {
    process.kill(-pid, signal);
  } catch {
    if (groupOnly) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone: the exit handler finishes the bookkeeping.
    }
  }
}
