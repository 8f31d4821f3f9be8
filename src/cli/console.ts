// `serve` and `start` open the live console beside the emulator: its flags, the schema reader, the printed URL.
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import type { ConsoleServer } from '../console/server.js';
import { UsageError } from '../core/errors.js';
import type { Emulator } from '../emulator/server.js';
import type { ModelDescription } from '../model/describe.js';

export interface ConsoleFlags {
  /** commander's `--no-console` sets this to false. */
  readonly console?: boolean;
  readonly consolePort?: string;
  readonly consoleHost?: string;
}

export function addConsoleOptions(command: Command): Command {
  return command
    .option('--no-console', 'do not serve the live console')
    .option('--console-port <port>', 'port of the live console (default: any free port)')
    .option('--console-host <host>', 'address of the live console (default 127.0.0.1)');
}

/** What runs beside the emulator: the line it adds under the banner, and how to stop it. */
export interface Beside {
  readonly line: string;
  close(): Promise<void>;
}

/**
 * Opens the console beside a started emulator (unless `--no-console`); returns the line to print under
 * the emulator's banner. A console that cannot start stops the emulator. Ctrl-C stops the emulator (its
 * signal handler exits the process), which ends the console's streams with it.
 */
export async function attachConsole(
  emulator: Emulator,
  flags: ConsoleFlags,
  modelPath: string | undefined,
): Promise<Beside> {
  try {
    const server = await openConsole(emulator, flags, modelPath);
    return server === null
      ? { line: '', close: async () => {} }
      : { line: `console: ${server.url}\n`, close: () => server.close() };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** Refuses a bad console flag before anything starts (the message names the flag). */
export function checkConsoleFlags(flags: ConsoleFlags): void {
  consolePort(flags.consolePort);
}

/** Starts the console unless `--no-console`; null when off. */
async function openConsole(
  emulator: Emulator,
  flags: ConsoleFlags,
  modelPath: string | undefined,
): Promise<ConsoleServer | null> {
  if (flags.console === false) return null;
  // Loaded here, not at the top: `serve` and `start` open it while their first instance initialises.
  const { startConsole } = await import('../console/server.js');
  return startConsole(emulator, {
    host: flags.consoleHost ?? '127.0.0.1',
    port: consolePort(flags.consolePort),
    ...(modelPath === undefined
      ? {}
      : { describe: () => describeInWorker(modelPath), model: basename(modelPath) }),
  });
}

function consolePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (text.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--console-port must be a whole number from 0 to 65535, got '${text}'`);
  }
  return port;
}

/** Describes the model on a worker thread (a large pickle takes a while; the emulator keeps serving). */
function describeInWorker(modelPath: string): Promise<ModelDescription> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./schema-worker.js', import.meta.url), { workerData: modelPath });
    worker.once('message', (reply: { description?: ModelDescription; error?: string }) => {
      void worker.terminate();
      if (reply.description !== undefined) resolve(reply.description);
      else reject(new Error(reply.error ?? 'the schema reader gave no answer'));
    });
    worker.once('error', reject);
  });
}
