// What `lambda-ml deploy` needs from this machine and account, checked one by one, each with what to do
// when it is missing. I/O (commands, files, the SSM lookup) comes in as parameters so tests need no globals.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { findCredentialSource } from './commands/cdk-app.js';

export type CheckStatus = 'ok' | 'missing' | 'warning' | 'skipped';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** What to do about it (for missing and warning). */
  readonly fix?: string;
}

/** Runs a command; null when it cannot run or fails. */
export type Exec = (command: string, args: readonly string[]) => Promise<string | null>;

/** The CDK bootstrap version in the account and region, null when not bootstrapped; throws on AWS errors. */
export type BootstrapLookup = (region: string) => Promise<string | null>;

export interface DoctorDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly nodeVersion: string;
  readonly arch: string;
  readonly exec: Exec;
  readonly exists: (path: string) => boolean;
  readonly readText: (path: string) => string | null;
  readonly home: string;
  readonly bootstrap: BootstrapLookup;
}

/** The deps of a real run. */
export function systemDeps(exec: Exec, bootstrap: BootstrapLookup): DoctorDeps {
  return {
    env: process.env,
    nodeVersion: process.versions.node,
    arch: process.arch,
    exec,
    exists: existsSync,
    readText: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    home: homedir(),
    bootstrap,
  };
}

function node(d: DoctorDeps): CheckResult {
  const major = Number(d.nodeVersion.split('.')[0]);
  return major >= 20
    ? { name: 'Node.js', status: 'ok', detail: `${d.nodeVersion} (>= 20)` }
    : {
        name: 'Node.js',
        status: 'missing',
        detail: `${d.nodeVersion}; lambda-ml needs 20 or later`,
        fix: 'install Node.js 20 LTS (https://nodejs.org, or `nvm install 20`)',
      };
}

async function docker(d: DoctorDeps): Promise<CheckResult> {
  const client = await d.exec('docker', ['version', '--format', '{{.Client.Version}}']);
  if (client === null) {
    return {
      name: 'Docker',
      status: 'missing',
      detail: 'no docker command',
      fix: 'install Docker (Docker Desktop, or docker.io/docker-ce on Linux): deploy builds the function image with it',
    };
  }
  const server = await d.exec('docker', ['version', '--format', '{{.Server.Version}}']);
  if (server === null) {
    return {
      name: 'Docker',
      status: 'missing',
      detail: `client ${client.trim()}, but no engine answers`,
      fix: 'start the Docker engine (open Docker Desktop, or `sudo systemctl start docker`)',
    };
  }
  return { name: 'Docker', status: 'ok', detail: `engine ${server.trim()} running` };
}

/** arm64 images (the default architecture) on an x86_64 machine need BuildKit and QEMU emulation. */
async function arm64(d: DoctorDeps): Promise<CheckResult> {
  const name = 'arm64 image build';
  if (d.arch === 'arm64') return { name, status: 'ok', detail: 'this machine is arm64: native build' };
  const buildx = await d.exec('docker', ['buildx', 'version']);
  const qemu = d.exists('/proc/sys/fs/binfmt_misc/qemu-aarch64');
  if (buildx !== null && qemu)
    return { name, status: 'ok', detail: 'docker buildx and QEMU (binfmt qemu-aarch64) present' };
  const missing = [buildx === null ? 'docker buildx' : null, qemu ? null : 'QEMU emulation for arm64'].filter(
    Boolean,
  );
  return {
    name,
    status: 'warning',
    detail: `${d.arch} machine without ${missing.join(' and ')}`,
    fix:
      (buildx === null ? 'install the buildx plugin (docker-buildx-plugin); ' : '') +
      (qemu ? '' : 'register QEMU: `docker run --privileged --rm tonistiigi/binfmt --install arm64`; ') +
      'or deploy for this machine with `npx lambda-ml deploy --arch x86_64`',
  };
}

function credentials(d: DoctorDeps): CheckResult {
  const source = findCredentialSource(d.env, d.home);
  return source === null
    ? {
        name: 'AWS credentials',
        status: 'missing',
        detail: 'none found (environment, ~/.aws/credentials, ~/.aws/config)',
        fix: '`aws configure` (access keys), or `aws configure sso` + `aws sso login` + `export AWS_PROFILE=<profile>`',
      }
    : { name: 'AWS credentials', status: 'ok', detail: source };
}

/** The region the SDK and CDK would use: the environment, then the profile's `region =` in ~/.aws/config. */
export function findRegion(
  d: Pick<DoctorDeps, 'env' | 'home' | 'readText'>,
): { region: string; from: string } | null {
  const fromEnv = d.env.AWS_REGION ?? d.env.AWS_DEFAULT_REGION;
  if (fromEnv) return { region: fromEnv, from: d.env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION' };
  const path = d.env.AWS_CONFIG_FILE ?? join(d.home, '.aws', 'config');
  const text = d.readText(path);
  if (text === null) return null;
  const profile = d.env.AWS_PROFILE ?? 'default';
  const header =
    profile === 'default' ? /^\[(profile )?default\]\s*$/ : new RegExp(`^\\[profile ${profile}\\]\\s*$`);
  let inSection = false;
  for (const line of text.split('\n')) {
    if (/^\s*\[/.test(line)) inSection = header.test(line.trim());
    const m = inSection ? /^\s*region\s*=\s*(\S+)/.exec(line) : null;
    if (m?.[1]) return { region: m[1], from: `profile ${profile} in ${path}` };
  }
  return null;
}

function region(d: DoctorDeps): CheckResult {
  const found = findRegion(d);
  return found === null
    ? {
        name: 'AWS region',
        status: 'missing',
        detail: 'no AWS_REGION and no region in your profile',
        fix: '`export AWS_REGION=eu-west-1` (your region), or `aws configure set region eu-west-1`',
      }
    : { name: 'AWS region', status: 'ok', detail: `${found.region} (${found.from})` };
}

async function bootstrap(d: DoctorDeps, ready: boolean): Promise<CheckResult> {
  const name = 'CDK bootstrap';
  const found = findRegion(d);
  if (!ready || found === null) {
    return { name, status: 'skipped', detail: 'needs AWS credentials and a region first' };
  }
  try {
    const version = await d.bootstrap(found.region);
    if (version === null) {
      return {
        name,
        status: 'missing',
        detail: `${found.region} is not bootstrapped for the CDK`,
        fix: '`npx lambda-ml bootstrap` (once per account and region)',
      };
    }
    return { name, status: 'ok', detail: `bootstrap stack version ${version} in ${found.region}` };
  } catch (error) {
    return {
      name,
      status: 'warning',
      detail: `could not check: ${(error as Error).message.split('\n')[0]}`,
      fix: 'check that the credentials are valid (`aws sts get-caller-identity`); bootstrap with `npx lambda-ml bootstrap`',
    };
  }
}

/** Every check, in the order deploy meets them. */
export async function runChecks(d: DoctorDeps): Promise<CheckResult[]> {
  const creds = credentials(d);
  const reg = region(d);
  return [
    node(d),
    await docker(d),
    await arm64(d),
    creds,
    reg,
    await bootstrap(d, creds.status === 'ok' && reg.status === 'ok'),
  ];
}

const MARK: Record<CheckStatus, string> = {
  ok: 'ok',
  missing: 'MISSING',
  warning: 'WARNING',
  skipped: 'skipped',
};

/** The report: one line per check, its fix indented under it; status in words, not colour. */
export function formatChecks(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => {
      const line = `${MARK[r.status].padEnd(7)}  ${r.name.padEnd(width)}  ${r.detail}`;
      return r.fix === undefined ? line : `${line}\n${' '.repeat(9 + width + 2)}-> ${r.fix}`;
    })
    .join('\n');
}
