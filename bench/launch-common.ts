// Shared by the cold-start benchmarks: launch a server process, wait for the URL it prints, send one request
// (the tutorial's unless told), and time spawn -> correct answer.
import { type ChildProcess, spawn } from 'node:child_process';

export const TUTORIAL_BODY = '{"data": [0,0,0,0]}';
export const TUTORIAL_ANSWER = '{"statusCode":200,"body":1}';
export const INVOKE = '/2015-03-31/functions/function/invocations';

/** The URL a launched server prints on stderr (`listening on http://...`); fails after 30 s. */
export function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((done, fail) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error(`no URL after 30 s:\n${text}`)), 30_000);
    child.stderr?.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m?.[1]) {
        clearTimeout(timer);
        done(m[1]);
      }
    });
  });
}

/** Milliseconds from spawning `argv` to the answer `answer` to `body`; throws on any other answer. */
export async function launchToFirstAnswer(
  argv: readonly string[],
  body: string = TUTORIAL_BODY,
  answer: string = TUTORIAL_ANSWER,
): Promise<number> {
  const started = performance.now();
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await listeningUrl(child);
    const res = await fetch(`${url}${INVOKE}`, { method: 'POST', body });
    const text = await res.text();
    if (text !== answer) throw new Error(`${argv.join(' ')}: answer ${res.status} ${text.slice(0, 200)}`);
    return performance.now() - started;
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null)));
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
