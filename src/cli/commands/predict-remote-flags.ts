// The flags of a remote (fanned-out) `predict`: declared here, light, so local predict loads none of its code.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';

export interface RemoteFlags {
  readonly model: string;
  readonly input?: string;
  readonly format?: string;
  readonly target?: string;
  readonly output?: string;
  readonly endpoint?: string;
  readonly function?: string;
  readonly qualifier?: string;
  readonly region?: string;
  readonly concurrency: string;
  readonly rowsPerChunk: string;
  readonly maxAttempts: string;
  readonly resume?: boolean;
  readonly arch: string;
}

export const REMOTE_DEFAULTS = {
  concurrency: '4',
  rowsPerChunk: '5000',
  maxAttempts: '10',
  arch: 'arm64',
} as const;

const REMOTE_ONLY = [
  'qualifier',
  'region',
  'concurrency',
  'rowsPerChunk',
  'maxAttempts',
  'output',
  'resume',
  'arch',
] as const satisfies readonly (keyof RemoteFlags)[];

const REMOTE_HELP = `
Remote scoring (--endpoint or --function): the input is split into requests under 6 MB, sent
--concurrency at a time and answered in input order, with exactly the lines local predict writes.
Throttles (429), 5xx, timeouts and crashed instances are retried with exponential backoff and jitter;
any other failure stops the run naming its rows. --output FILE --resume continues an interrupted run.`;

export function addRemoteOptions(command: Command): Command {
  return command
    .addHelpText('after', REMOTE_HELP)
    .option('--endpoint <url>', 'score through an Invoke API endpoint (lambda-ml serve, a container)')
    .option('--function <name>', 'score through a Lambda function (AWS SDK v3; name or ARN)')
    .option('--qualifier <alias>', 'version or alias of --function, e.g. live')
    .option('--region <region>', 'AWS region of --function (default: AWS_REGION)')
    .option('--concurrency <n>', `requests in flight at once (default ${REMOTE_DEFAULTS.concurrency})`)
    .option('--rows-per-chunk <n>', `rows per request, up to 10000 (default ${REMOTE_DEFAULTS.rowsPerChunk})`)
    .option('--max-attempts <n>', `attempts per chunk (default ${REMOTE_DEFAULTS.maxAttempts})`)
    .option('--output <file>', 'write the answers to FILE (needed for --resume)')
    .option('--resume', 'continue an interrupted run from its --output')
    .option('--arch <arch>', `function architecture, for the price (default ${REMOTE_DEFAULTS.arch})`);
}

/** True when the flags name a remote target; throws when remote-only flags come without one. */
export function wantsRemote(flags: Partial<RemoteFlags>): boolean {
  if (flags.endpoint !== undefined || flags.function !== undefined) return true;
  const given = REMOTE_ONLY.filter((flag) => flags[flag] !== undefined);
  if (given.length > 0) {
    const names = given.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`${names.join(', ')} need a remote target: add --endpoint URL or --function NAME`);
  }
  return false;
}

/** The flags with the remote defaults filled in. */
export function remoteFlags(flags: Partial<RemoteFlags> & { model: string }): RemoteFlags {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return { ...REMOTE_DEFAULTS, ...given, model: flags.model };
}
