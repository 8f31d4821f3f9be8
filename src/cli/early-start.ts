// `serve` and `start` answer their first call only after two Node processes have started: the CLI and
// the first instance's runtime. The CLI's readiness check would start that runtime once the CLI has
// loaded (commander, the emulator, the console); here it is started first, from the raw arguments, so
// both processes start side by side. Only a plain command line qualifies (anything this parser does
// not know means no early start), and the emulator adopts the process only if it is exactly the one
// it would have spawned itself (prestart.ts), so a mistake here costs a wasted process, never a
// different function. The instance is still initialised ahead of its first call, whose REPORT still
// carries Init Duration, as with the readiness check it replaces.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { instanceSpec } from '../emulator/instance-spec.js';
import { DEFAULTS, type EmulatorOptions, optionsFromRaw, resolveOptions } from '../emulator/options.js';
import { PrestartedRuntime, type SpawnSpec } from '../emulator/prestart.js';
import { DEFAULT_MODEL } from './defaults.js';

let pending: Promise<PrestartedRuntime | undefined> | undefined;

const CONSOLE_FLAGS = {
  'no-console': { type: 'boolean' },
  'console-port': { type: 'string' },
  'console-host': { type: 'string' },
} as const;

const SERVE_FLAGS = {
  ...CONSOLE_FLAGS,
  model: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'function-name': { type: 'string' },
  timeout: { type: 'string' },
  'init-timeout': { type: 'string' },
  memory: { type: 'string' },
  concurrency: { type: 'string' },
  'fail-fast': { type: 'boolean' },
} as const;

const START_FLAGS = {
  ...CONSOLE_FLAGS,
  config: { type: 'string' },
  model: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
} as const;

/** Starts the first instance's runtime now when `argv` is a plain `serve` or `start` (see above). */
export function startEarly(argv: readonly string[]): void {
  let plan: { spec: SpawnSpec; model: string } | undefined;
  try {
    plan = earlyPlan(argv);
  } catch {
    // The command itself reports whatever is wrong with its arguments.
    plan = undefined;
  }
  if (plan !== undefined) pending = PrestartedRuntime.start(plan.spec, plan.model).catch(() => undefined);
}

/** The early runtime, if one was started (once; the emulator adopts or discards it). */
export function takeEarlyRuntime(): Promise<PrestartedRuntime | undefined> {
  const taken = pending ?? Promise.resolve(undefined);
  pending = undefined;
  return taken;
}

/** What `serve`/`start` would spawn for their readiness check, as far as the raw arguments tell. */
function earlyPlan(argv: readonly string[]): { spec: SpawnSpec; model: string } | undefined {
  const [command, ...args] = argv;
  let options: EmulatorOptions;
  if (command === 'serve') {
    const { values } = parseArgs({ args, options: SERVE_FLAGS, strict: true, allowPositionals: false });
    const raw = optionsFromRaw({
      model: values.model,
      port: values.port,
      host: values.host,
      functionName: values['function-name'],
      timeout: values.timeout,
      initTimeout: values['init-timeout'],
      memory: values.memory,
      concurrency: values.concurrency,
    });
    // As `serve` decides: the built-in handler (or --fail-fast) starts an instance before announcing.
    const builtIn = raw.bootstrap === undefined && (raw.handler ?? DEFAULTS.handler) === DEFAULTS.handler;
    if (!builtIn || (raw.warm ?? 0) > 0) return undefined;
    options = { ...raw, modelPath: resolve(raw.modelPath ?? DEFAULT_MODEL) };
  } else if (command === 'start') {
    const { values } = parseArgs({ args, options: START_FLAGS, strict: true, allowPositionals: false });
    const raw = optionsFromRaw({
      port: values.port,
      host: values.host,
      model: resolve(values.model ?? DEFAULT_MODEL),
    });
    if ((raw.warm ?? 0) > 0) return undefined;
    options = raw;
  } else {
    return undefined;
  }
  const model = options.modelPath;
  // No model yet (`start` trains one first): nothing worth starting.
  if (model === undefined || !existsSync(model)) return undefined;
  return { spec: instanceSpec(resolveOptions(options)), model };
}
