// console.* as AWS's Node runtime writes it: timestamp, request id and level per line, or one JSON object per line.
import { format } from 'node:util';
import { toErrorBody } from './errors.js';
import type { Clock, Env } from './invoke.js';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

export interface LogOptions {
  readonly format: 'text' | 'json';
  /** Lines below this level are dropped (JSON format only, as on Lambda). */
  readonly minLevel: LogLevel;
  readonly write: (line: string) => void;
  readonly clock: Clock;
  readonly requestId: () => string | undefined;
}

export function logOptionsFromEnv(
  env: Env,
  rest: Pick<LogOptions, 'write' | 'clock' | 'requestId'>,
): LogOptions {
  const json = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const level = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() as LogLevel | undefined;
  return { ...rest, format: json ? 'json' : 'text', minLevel: level && level in RANK ? level : 'INFO' };
}

/** One log record as a line (newline-terminated), or undefined when the level filters it out. */
export function formatLogLine(
  options: LogOptions,
  level: LogLevel,
  args: readonly unknown[],
): string | undefined {
  const timestamp = new Date(options.clock.now()).toISOString();
  const requestId = options.requestId();
  const message = format(...args);
  if (options.format === 'text') {
    // Embedded newlines become \r so one call stays one CloudWatch event, as AWS's runtime does.
    return `${timestamp}\t${requestId}\t${level}\t${message.replace(/\n/g, '\r')}\n`;
  }
  if (RANK[level] < RANK[options.minLevel]) return undefined;
  const record: Record<string, unknown> = { timestamp, level, requestId, message };
  const only = args.length === 1 ? args[0] : undefined;
  if (only instanceof Error) Object.assign(record, toErrorBody(only));
  return `${JSON.stringify(record)}\n`;
}

const METHODS: ReadonlyArray<readonly [string, LogLevel]> = [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['debug', 'DEBUG'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['trace', 'TRACE'],
  ['fatal', 'FATAL'],
];

/** Replaces the console methods for the life of the process (the runtime owns stdout). */
export function patchConsole(target: Console, options: LogOptions): void {
  const sink = target as unknown as Record<string, (...args: unknown[]) => void>;
  for (const [method, level] of METHODS) {
    sink[method] = (...args: unknown[]) => {
      const line = formatLogLine(options, level, args);
      if (line !== undefined) options.write(line);
    };
  }
}
