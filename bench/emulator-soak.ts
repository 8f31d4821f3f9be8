// Soak of the emulator (issue 13): CLIENTS concurrent clients × CALLS sequential calls each against
// `node dist/emulator/main.js` running the built-in runtime client and a handler that, on a fixed schedule,
// throws, throws asynchronously after answering (its runtime then exits), exits, starts a `sleep` and
// throws asynchronously after answering, runs past the timeout, or answers 7 MB (too large) or 3 MB (fine); then EVENTS Event invocations
// and a SIGTERM while they are queued. Reports answers, wrong answers, lost calls, calls run twice,
// processes left behind, peak RSS, and the SIGTERM outcome (ran, dead-lettered, lost, exit status).
// Not a test: it takes minutes. Run: npm run build && node --import tsx bench/emulator-soak.ts
//   [--clients 64] [--calls 10000] [--concurrency 32] [--fault-every 25] [--events 3000] [--grace 3]
//   [--init-timeout 10] [--timeout 3] [--keep]
// --keep leaves the run's directory (emulator log, dead letters, handler) in place and prints its path.
import { spawn } from 'node:child_process';
import {
  createReadStream,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '64' },
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    'fault-every': { type: 'string', default: '25' },
    events: { type: 'string', default: '3000' },
    grace: { type: 'string', default: '3' },
    'init-timeout': { type: 'string', default: '10' },
    timeout: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(values.clients);
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const FAULT_EVERY = Number(values['fault-every']);
const EVENTS = Number(values.events);
const GRACE = Number(values.grace);
const INIT_TIMEOUT = Number(values['init-timeout']);
/**
 * The function's timeout. Building and sending a 7 MB answer takes well under a second on a quiet
 * machine, but more than 3 s at a load average of 15 with `nice`: raise it there (a timed-out call counts
 * as wrong).
 */
const TIMEOUT_S = Number(values.timeout);
const DIST = join(import.meta.dirname, '..', 'dist');
const MARK = `soak-${process.pid}-${Date.now()}`;

const FAULTS = ['throw', 'async-throw', 'exit', 'orphan-exit', 'timeout', 'too-large', 'large'] as const;
type Kind = 'good' | (typeof FAULTS)[number];

/** Call n of a client: every FAULT_EVERY-th one is a fault, the faults taking turns. */
function kindOf(n: number): Kind {
  if (n % FAULT_EVERY !== FAULT_EVERY - 1) return 'good';
  return FAULTS[Math.floor(n / FAULT_EVERY) % FAULTS.length] as Kind;
}

const HANDLER = `
const { spawn } = require('node:child_process');
exports.handler = async (event) => {
  console.log('SOAK-RAN ' + event.tag);
  switch (event.kind) {
    case 'throw': throw new Error(event.tag);
    case 'async-throw':
      setTimeout(() => { throw new Error('late ' + event.tag); }, 0);
      return { tag: event.tag };
    case 'exit': process.exit(3);
    case 'orphan-exit':
      spawn('sleep', ['1000'], { stdio: 'ignore' });
      setTimeout(() => { throw new Error('late ' + event.tag); }, 0);
      return { tag: event.tag };
    case 'timeout': await new Promise((r) => setTimeout(r, ${TIMEOUT_S * 4000})); return { tag: event.tag };
    case 'too-large': return 'x'.repeat(7 * 1024 * 1024);
    case 'large': return { tag: event.tag, fill: 'y'.repeat(3 * 1024 * 1024) };
    case 'event': await new Promise((r) => setTimeout(r, event.ms)); return { tag: event.tag };
    default: return { tag: event.tag };
  }
};
`;

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly functionError: boolean;
  readonly requestId: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS + 8 });

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          functionError: res.headers['x-amz-function-error'] !== undefined,
          requestId: String(res.headers['x-amzn-requestid']),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(120_000, () => req.destroy(new Error('no answer in 120 s')));
    req.end(body);
  });
}

/** Whether `reply` is the one right answer for a call of `kind` tagged `tag`. */
function correct(kind: Kind, tag: string, reply: Reply): boolean {
  if (reply.status !== 200) return false;
  let body: { tag?: string; errorType?: string; errorMessage?: string; fill?: string };
  try {
    body = JSON.parse(reply.body);
  } catch {
    return false;
  }
  switch (kind) {
    case 'good':
    case 'async-throw':
    case 'orphan-exit':
      return !reply.functionError && body.tag === tag;
    case 'large':
      return !reply.functionError && body.tag === tag && body.fill?.length === 3 * 1024 * 1024;
    case 'throw':
      return reply.functionError && body.errorType === 'Error' && body.errorMessage === tag;
    case 'exit':
      return reply.functionError && body.errorType === 'Runtime.ExitError';
    case 'timeout':
      return reply.functionError && body.errorType === 'Sandbox.Timedout';
    case 'too-large':
      return reply.functionError && body.errorType === 'Function.ResponseSizeTooLarge';
  }
}

/** Processes (other than us) carrying the run's marker in their environment, not zombies. */
function marked(): number[] {
  return markedWith(() => true);
}

/** The function's own `sleep` processes among them. */
function sleeps(): number[] {
  return markedWith((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('sleep'));
}

function markedWith(keep: (pid: number) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`LAMBDA_ML_SOAK=${MARK}`)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat[stat.lastIndexOf(')') + 2] !== 'Z' && keep(Number(entry))) found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-soak-'));
  writeFileSync(join(dir, 'soak.js'), HANDLER);
  const logFile = join(dir, 'emulator.log');
  const deadLetters = join(dir, 'dead.jsonl');
  const args = [
    join(DIST, 'emulator', 'main.js'),
    '--port',
    '0',
    '--task-root',
    dir,
    '--handler',
    'soak.handler',
    '--concurrency',
    String(CONCURRENCY),
    '--timeout',
    String(TIMEOUT_S),
    '--memory',
    '512',
    '--grace-period',
    String(GRACE),
    '--init-timeout',
    String(INIT_TIMEOUT),
    '--dead-letter-file',
    deadLetters,
  ];
  const out = openSync(logFile, 'w');
  const emulator = spawn(process.execPath, args, {
    env: { ...process.env, LAMBDA_ML_SOAK: MARK },
    stdio: ['ignore', out, 'pipe'],
  });
  let stderr = '';
  emulator.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => emulator.once('exit', (code) => resolve(code)));
  const started = Date.now();
  while (!/listening on (http:\S+)/.test(stderr)) {
    if (Date.now() - started > 60_000) throw new Error(`emulator did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = /listening on (http:\S+)/.exec(stderr)?.[1] as string;
  const url = `${base}/2015-03-31/functions/function/invocations`;
  const loads: number[] = [];
  let peakEmulatorKb = 0;
  let peakTreeKb = 0;
  let peakSleeps = 0;
  const sampler = setInterval(() => {
    const pid = emulator.pid as number;
    peakEmulatorKb = Math.max(peakEmulatorKb, rssKb(pid));
    const tree = marked();
    peakTreeKb = Math.max(
      peakTreeKb,
      tree.reduce((sum, p) => sum + rssKb(p), 0),
    );
    peakSleeps = Math.max(peakSleeps, tree.length);
    loads.push(loadavg()[0] as number);
  }, 1000);

  // Phase 1: CLIENTS × CALLS synchronous calls with faults.
  const kinds = new Map<string, Kind>();
  const counts = { answered: 0, correct: 0, wrong: 0, lost: 0, throttled: 0 };
  const wrongSamples: string[] = [];
  const t0 = Date.now();
  let done = 0;
  const progress = setInterval(() => {
    const rate = done / ((Date.now() - t0) / 1000);
    process.stderr.write(`\r  ${done}/${CLIENTS * CALLS} calls, ${rate.toFixed(0)}/s   `);
  }, 2000);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let j = 0; j < CALLS; j++) {
        const kind = kindOf(j + c);
        const tag = `c${c}-${j}`;
        kinds.set(tag, kind);
        const body = JSON.stringify({ kind, tag });
        for (let attempt = 0; ; attempt++) {
          let reply: Reply;
          try {
            reply = await post(url, body);
          } catch (error) {
            counts.lost++;
            if (wrongSamples.length < 5) wrongSamples.push(`${kind} ${tag}: ${(error as Error).message}`);
            break;
          }
          if (reply.status === 429) {
            counts.throttled++;
            await new Promise((r) => setTimeout(r, 2 + Math.random() * Math.min(200, 2 ** attempt)));
            continue;
          }
          counts.answered++;
          if (correct(kind, tag, reply)) counts.correct++;
          else {
            counts.wrong++;
            if (wrongSamples.length < 5)
              wrongSamples.push(`${kind} ${tag}: ${reply.status} ${reply.body.slice(0, 200)}`);
          }
          break;
        }
        done++;
      }
    }),
  );
  clearInterval(progress);
  const phase1Seconds = (Date.now() - t0) / 1000;
  process.stderr.write('\n');
  const sleepsAfterLoad = sleeps().length;
  const orphanCalls = [...kinds.values()].filter((k) => k === 'orphan-exit').length;

  // Phase 2: Event invocations (each sleeps 200 ms), then SIGTERM while most are still queued.
  const accepted = new Map<string, string>();
  let refused = 0;
  for (let i = 0; i < EVENTS; i++) {
    const tag = `e${i}`;
    const reply = await post(url, JSON.stringify({ kind: 'event', ms: 200, tag }), {
      'X-Amz-Invocation-Type': 'Event',
    });
    if (reply.status === 202) accepted.set(reply.requestId, tag);
    else refused++;
  }
  const emulatorRssAtSigterm = rssKb(emulator.pid as number);
  emulator.kill('SIGTERM');
  const exitCode = await exited;
  clearInterval(sampler);
  agent.destroy();
  await new Promise((r) => setTimeout(r, 1000));
  const leaked = marked();

  // What ran: one SOAK-RAN line per handler run; the log also names each Event's request id.
  const ran = new Map<string, number>();
  let moved = 0;
  let movedUnread = 0;
  const lines = createInterface({ input: createReadStream(logFile) });
  for await (const line of lines) {
    if (line.includes('; sent to another instance')) {
      moved++;
      if (line.includes('its connection was reset with the invocation unread')) movedUnread++;
    }
    const at = line.indexOf('SOAK-RAN ');
    if (at >= 0) {
      const tag = line.slice(at + 9).trim();
      ran.set(tag, (ran.get(tag) ?? 0) + 1);
    }
  }
  let dead: Array<{ requestId: string; reason: string }> = [];
  try {
    dead = readFileSync(deadLetters, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    // No file: nothing was dead-lettered.
  }
  let duplicated = 0;
  let neverRan = 0;
  for (const tag of kinds.keys()) {
    const n = ran.get(tag) ?? 0;
    if (n > 1) duplicated++;
    if (n === 0) neverRan++;
  }
  const deadIds = new Map<string, string>();
  let deadTwice = 0;
  for (const d of dead) {
    if (deadIds.has(d.requestId)) deadTwice++;
    deadIds.set(d.requestId, d.reason);
  }
  let eventsCompleted = 0;
  let eventsLost = 0;
  let eventsDuplicated = deadTwice;
  for (const [requestId, tag] of accepted) {
    const n = ran.get(tag) ?? 0;
    const reason = deadIds.get(requestId);
    if (n > 1) eventsDuplicated++;
    if (reason === undefined) {
      if (n === 1) eventsCompleted++;
      else eventsLost++;
    } else if (reason === 'not-started' && n > 0) eventsDuplicated++;
  }
  const notStarted = dead.filter((d) => d.reason === 'not-started').length;
  const sorted = [...loads].sort((a, b) => a - b);
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  const report = [
    `command: node --import tsx bench/emulator-soak.ts --clients ${CLIENTS} --calls ${CALLS} --concurrency ${CONCURRENCY} --fault-every ${FAULT_EVERY} --events ${EVENTS} --grace ${GRACE} --init-timeout ${INIT_TIMEOUT} --timeout ${TIMEOUT_S}`,
    `load average (1 min) during the run: min ${sorted[0]?.toFixed(1)}, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)}, max ${sorted.at(-1)?.toFixed(1)} on ${readFileSync('/proc/cpuinfo', 'latin1').split('processor\t:').length - 1} CPUs`,
    `phase 1: ${CLIENTS} clients × ${CALLS} calls = ${kinds.size} calls in ${phase1Seconds.toFixed(0)} s (${(kinds.size / phase1Seconds).toFixed(0)}/s), 1 in ${FAULT_EVERY} a fault (${FAULTS.join(', ')})`,
    `  answers ${counts.answered}, correct ${counts.correct}, wrong ${counts.wrong}, lost (no answer) ${counts.lost}, 429 retries ${counts.throttled}`,
    `  run twice ${duplicated}, never ran ${neverRan}; moved to another instance ${moved} (${movedUnread} of them delivered to a runtime that died before reading them)`,
    ...wrongSamples.map((s) => `  e.g. ${s}`),
    `phase 2: ${EVENTS} Event invocations (200 ms each), SIGTERM with --grace-period ${GRACE}: accepted ${accepted.size}, refused ${refused}`,
    `  completed ${eventsCompleted}, dead-lettered ${dead.length} (${notStarted} not started, ${dead.length - notStarted} cut short), lost ${eventsLost}, duplicated ${eventsDuplicated}; exit status ${exitCode}`,
    `processes: the function started ${orphanCalls} \`sleep 1000\`s; alive right after phase 1: ${sleepsAfterLoad}; any process of the run left after the emulator exited: ${leaked.length}`,
    `peak RSS: emulator ${mb(peakEmulatorKb)} MB (${mb(emulatorRssAtSigterm)} MB at SIGTERM); emulator + instances + their children ${mb(peakTreeKb)} MB (at most ${peakSleeps} processes)`,
  ];
  process.stdout.write(`${report.join('\n')}\n`);
  for (const pid of leaked) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  if (values.keep) process.stdout.write(`kept: ${dir} (emulator.log, dead.jsonl)\n`);
  else rmSync(dir, { recursive: true, force: true });
  const clean =
    counts.wrong === 0 &&
    counts.lost === 0 &&
    duplicated === 0 &&
    neverRan === 0 &&
    eventsLost === 0 &&
    eventsDuplicated === 0 &&
    leaked.length === 0;
  process.exitCode = clean ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
