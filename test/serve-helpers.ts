// `lambda-ml serve` as a user runs it: the compiled CLI on an ephemeral port, called through the Invoke API.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Starts `serve --model model` (plus `extra`) on an ephemeral port, invokes once per body in turn, stops it (by PID). */
export async function serveAll(
  model: string,
  bodies: readonly string[],
  extra: string[] = [],
): Promise<string[]> {
  const args = ['serve', '--port', '0', '--model', model, ...extra];
  const child: ChildProcess = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stderr?.on('data', (c: Buffer) => {
        text += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(text);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
    });
    const answers: string[] = [];
    for (const body of bodies) {
      const res = await fetch(`${url}/2015-03-31/functions/function/invocations`, { method: 'POST', body });
      answers.push(await res.text());
    }
    return answers;
  } finally {
    clearTimeout(killer);
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null)));
  }
}
