// The emulator's options: one shape for `startEmulator`, built the same way from flags (CLI, main.ts) and env.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorUsageError } from './errors.js';

/** What `startEmulator` accepts (every field optional; see `resolveOptions` for defaults). */
export interface EmulatorOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** `module.function` resolved under `taskRoot`. */
  readonly handler?: string;
  /** Passed to every instance as MODEL_PATH. */
  readonly modelPath?: string;
  readonly taskRoot?: string;
  /** argv of the built-in runtime client. */
  readonly runtimeCommand?: readonly string[];
  /** argv of any Runtime API speaker; replaces `runtimeCommand`. */
  readonly bootstrap?: readonly string[];
  readonly functionName?: string;
  /** Seconds. */
  readonly timeout?: number;
  /** MB. */
  readonly memory?: number;
  readonly concurrency?: number;
  readonly warm?: number;
  readonly functionUrl?: boolean;
  readonly region?: string;
  /** Seconds an instance may take to initialise. */
  readonly initTimeout?: number;
  /** Seconds in-flight calls get at shutdown. */
  readonly gracePeriod?: number;
  /** Seconds a request (headers and body) may take to arrive; past it 408 and the connection closes. */
  readonly requestTimeout?: number;
  /** Open Invoke API connections at most; past it new connections are closed at once. */
  readonly maxConnections?: number;
  /**
   * Host names the Invoke API answers to besides loopback ones and the `host` address (a DNS-rebinding
   * defence); `*` accepts any Host.
   */
  readonly allowedHosts?: readonly string[];
  /** Event invocations the in-memory queue holds. */
  readonly queueCapacity?: number;
  /** Bytes of Event payloads the in-memory queue holds (each event also counts 512 bytes); beyond → 429. */
  readonly queueBytes?: number;
  /**
   * Where Event invocations accepted but not run by the end of the grace period are written at shutdown
   * (JSON lines); default a new file in the system's temporary directory.
   */
  readonly deadLetterFile?: string;
  /**
   * Accept a Runtime API connection only from the instance's own runtime process or its children
   * (checked once per connection through /proc; Linux only). Default true.
   */
  readonly verifyRuntimePeer?: boolean;
  /** Extra environment variables for every instance. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where Lambda's log lines go (default: this process's stdout). */
  readonly writeLog?: (text: string) => void;
}

type Optional = 'modelPath' | 'bootstrap' | 'writeLog' | 'deadLetterFile';
export type ResolvedOptions = Required<Omit<EmulatorOptions, Optional>> & Pick<EmulatorOptions, Optional>;

/** dist/ (or src/ under tsx): the directory holding runtime/ and function/. */
export const DIST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 9000,
  handler: 'function/handler.handler',
  functionName: 'lambda-ml',
  timeout: 3,
  memory: 128,
  concurrency: 10,
  warm: 0,
  initTimeout: 10,
  gracePeriod: 10,
  queueCapacity: 10_000,
  requestTimeout: 30,
  maxConnections: 1024,
  queueBytes: 64 * 1024 * 1024,
} as const;

/** Applies defaults and rejects values Lambda would not accept, naming the option and what it expects. */
export function resolveOptions(o: EmulatorOptions): ResolvedOptions {
  const concurrency = integer('concurrency', o.concurrency ?? DEFAULTS.concurrency, 1, 1000);
  const resolved: ResolvedOptions = {
    host: o.host ?? DEFAULTS.host,
    port: integer('port', o.port ?? DEFAULTS.port, 0, 65535),
    handler: handler(o.handler ?? DEFAULTS.handler),
    // A --bootstrap runs in the current directory (the image's WORKDIR), the built-in runtime in dist/.
    taskRoot: resolve(
      o.taskRoot ?? (o.bootstrap !== undefined && o.bootstrap.length > 0 ? process.cwd() : DIST_DIR),
    ),
    runtimeCommand: o.runtimeCommand ?? [process.execPath, join(DIST_DIR, 'runtime', 'main.js')],
    functionName: functionName(o.functionName ?? DEFAULTS.functionName),
    timeout: number('timeout', o.timeout ?? DEFAULTS.timeout, 0.001, 900),
    memory: integer('memory', o.memory ?? DEFAULTS.memory, 128, 10240),
    concurrency,
    warm: integer('warm', o.warm ?? DEFAULTS.warm, 0, concurrency),
    functionUrl: o.functionUrl ?? false,
    region: o.region ?? process.env.AWS_REGION ?? 'us-east-1',
    initTimeout: number('init-timeout', o.initTimeout ?? DEFAULTS.initTimeout, 0.001, 900),
    gracePeriod: number('grace-period', o.gracePeriod ?? DEFAULTS.gracePeriod, 0, 900),
    requestTimeout: number('request-timeout', o.requestTimeout ?? DEFAULTS.requestTimeout, 0.05, 3600),
    maxConnections: integer('max-connections', o.maxConnections ?? DEFAULTS.maxConnections, 1, 65_536),
    allowedHosts: allowedHosts(o.allowedHosts ?? []),
    queueCapacity: integer('queue-capacity', o.queueCapacity ?? DEFAULTS.queueCapacity, 1, 1_000_000),
    queueBytes: integer('queue-bytes', o.queueBytes ?? DEFAULTS.queueBytes, 1024, 2 ** 40),
    deadLetterFile: o.deadLetterFile === undefined ? undefined : resolve(o.deadLetterFile),
    verifyRuntimePeer: o.verifyRuntimePeer ?? true,
    env: o.env ?? {},
    modelPath: o.modelPath === undefined ? undefined : resolve(o.modelPath),
    bootstrap: o.bootstrap !== undefined && o.bootstrap.length > 0 ? o.bootstrap : undefined,
    writeLog: o.writeLog,
  };
  if (resolved.runtimeCommand.length === 0)
    throw new EmulatorUsageError('runtime command is empty; expected an executable and its arguments');
  return resolved;
}

/** Raw option values as flags and env vars give them (strings, booleans, string lists). */
export type RawOptions = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

/** Environment variable for each option (the container sets these). */
export const ENV_NAMES = {
  host: 'HOST',
  port: 'PORT',
  handler: 'HANDLER',
  model: 'MODEL_PATH',
  taskRoot: 'LAMBDA_TASK_ROOT',
  functionName: 'FUNCTION_NAME',
  timeout: 'TIMEOUT',
  initTimeout: 'INIT_TIMEOUT',
  memory: 'MEMORY',
  concurrency: 'CONCURRENCY',
  warm: 'WARM',
  functionUrl: 'FUNCTION_URL',
  bootstrap: 'BOOTSTRAP',
  requestTimeout: 'REQUEST_TIMEOUT',
  maxConnections: 'MAX_CONNECTIONS',
  allowedHosts: 'ALLOWED_HOSTS',
  gracePeriod: 'GRACE_PERIOD',
  queueBytes: 'QUEUE_BYTES',
  deadLetterFile: 'DEAD_LETTER_FILE',
} as const;

/** Turns flag values (falling back to `env`) into options; numbers are checked by `resolveOptions`. */
export function optionsFromRaw(raw: RawOptions, env: NodeJS.ProcessEnv = process.env): EmulatorOptions {
  const pick = (key: keyof typeof ENV_NAMES): string | undefined => {
    const value = raw[key];
    if (typeof value === 'string') return value;
    const fromEnv = env[ENV_NAMES[key]];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const numeric = (key: keyof typeof ENV_NAMES): number | undefined => {
    const text = pick(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) {
      throw new EmulatorUsageError(
        `--${flagName(key)} (or ${ENV_NAMES[key]}) must be a number, got '${text}'`,
      );
    }
    return value;
  };
  const bootstrapRaw = raw.bootstrap;
  const bootstrap = Array.isArray(bootstrapRaw)
    ? [...bootstrapRaw]
    : pick('bootstrap')?.split(' ').filter(Boolean);
  const urlFlag = raw.functionUrl;
  const urlEnv = env[ENV_NAMES.functionUrl];
  return {
    host: pick('host'),
    port: numeric('port'),
    handler: pick('handler'),
    modelPath: pick('model'),
    taskRoot: pick('taskRoot'),
    functionName: pick('functionName'),
    timeout: numeric('timeout'),
    initTimeout: numeric('initTimeout'),
    memory: numeric('memory'),
    concurrency: numeric('concurrency'),
    warm: numeric('warm'),
    requestTimeout: numeric('requestTimeout'),
    maxConnections: numeric('maxConnections'),
    allowedHosts: pick('allowedHosts')
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    gracePeriod: numeric('gracePeriod'),
    queueBytes: numeric('queueBytes'),
    deadLetterFile: pick('deadLetterFile'),
    functionUrl: urlFlag === true || (urlFlag === undefined && (urlEnv === '1' || urlEnv === 'true')),
    bootstrap,
  };
}

function flagName(key: string): string {
  return key === 'model' ? 'model' : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function number(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new EmulatorUsageError(`--${name} must be a number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EmulatorUsageError(`--${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function handler(value: string): string {
  if (!/^[^.\s]+(\.[^.\s]+)+$/.test(value) || value.startsWith('.')) {
    throw new EmulatorUsageError(
      `--handler must look like module.function (e.g. function/handler.handler), got '${value}'`,
    );
  }
  return value;
}

function allowedHosts(names: readonly string[]): readonly string[] {
  for (const name of names) {
    if (
      name !== '*' &&
      !/^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9.-]+)(:\d+)?$/.test(name)
    ) {
      throw new EmulatorUsageError(
        `--allowed-hosts takes host names or addresses separated by commas (or *), got '${name}'`,
      );
    }
  }
  return names;
}

function functionName(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new EmulatorUsageError(`--function-name must be 1-64 letters, digits, '-' or '_', got '${value}'`);
  }
  return value;
}
