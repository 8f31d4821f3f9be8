// What `serve` and `start` share: start the emulator, check that the function can initialise (fail fast with
// one line naming the model and how to make it), stop on Ctrl-C, and print one banner.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { LambdaMlError } from '../core/errors.js';
import type { EmulatorOptions } from '../emulator/options.js';
import { type Emulator, startEmulator } from '../emulator/server.js';
import { banner, closeOnSignal } from '../emulator/shutdown.js';
import type { Beside } from './console.js';
import { DEFAULT_MODEL } from './defaults.js';
import { takeEarlyRuntime } from './early-start.js';

export { DEFAULT_CONFIG, DEFAULT_MODEL } from './defaults.js';

/** The function cannot serve: its model is missing or does not load, or its runtime cannot start. */
export class ServeError extends LambdaMlError {}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** The commands that make a model at `modelPath`, for the one-line failure. */
export function howToMake(modelPath: string): string {
  const out = shown(modelPath);
  return out === DEFAULT_MODEL
    ? 'run `npm start` (trains it, then serves it) or `npx lambda-ml train --config config/default-training.json --out .artifacts/model.json`'
    : `make it with \`npx lambda-ml train --config <config.json> --out ${out}\` or \`npx lambda-ml convert <model.joblib> --out ${out}\``;
}

/** A named model file must exist before anything starts. */
export function checkModelExists(modelPath: string): void {
  if (!existsSync(modelPath))
    throw new ServeError(`no model at ${shown(modelPath)}: ${howToMake(modelPath)}`);
}

export interface ServeCheck {
  /** Initialise one instance before announcing the URL, and exit when it cannot. */
  readonly failFast: boolean;
  /** The model the built-in handler loads, for the failure message. */
  readonly modelPath?: string;
}

/**
 * Starts the emulator and, at the same time as its first instance initialises, whatever runs `beside` it
 * (the console). With `failFast`, closes both and throws a ServeError when no instance can initialise.
 */
export async function serveFunction(
  options: EmulatorOptions,
  check: ServeCheck,
  beside?: (emulator: Emulator) => Promise<Beside>,
): Promise<{ emulator: Emulator; beside: Beside }> {
  // The runtime may have started before the CLI loaded (early-start.ts): adopted when it matches.
  const emulator = await startEmulator(options, await takeEarlyRuntime());
  closeOnSignal(emulator);
  const ready = check.failFast ? emulator.readiness() : undefined;
  const opened = await (beside?.(emulator) ?? Promise.resolve(NOTHING_BESIDE));
  if (ready === undefined) return { emulator, beside: opened };
  const readiness = await ready;
  if (readiness.ready) return { emulator, beside: opened };
  await opened.close();
  await emulator.close();
  // The default model can be remade in one command; a named file that exists but fails has its own cause.
  const remake = check.modelPath !== undefined && shown(check.modelPath) === DEFAULT_MODEL;
  const what = remake ? `; ${howToMake(check.modelPath as string)}` : '';
  throw new ServeError(
    `the function cannot initialise (${readiness.errorType}): ${readiness.errorMessage.replaceAll('\n', ' ')}${what}`,
  );
}

const NOTHING_BESIDE: Beside = { line: '', close: async () => {} };

/** The one banner line both commands print once the function is ready. */
export function announce(emulator: Emulator, functionName: string, extra = ''): void {
  process.stderr.write(`${banner(emulator, functionName)}${extra}`);
}
