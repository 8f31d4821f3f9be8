// The docs say what the code does: every `lambda-ml <command> --flag` in the README's and docs/*.md's shell
// blocks is a real command and flag, and no example writes a file into the repository root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Example {
  readonly page: string;
  readonly line: string;
  readonly command: string;
  readonly args: string[];
}

/** Splits a shell line into words, keeping quoted strings whole (enough for the docs' examples). */
function words(line: string): string[] {
  return [...line.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((m) => m[0]);
}

/** Every `lambda-ml <command> ...` invocation in the shell blocks of the pages. */
function examples(): Example[] {
  const found: Example[] = [];
  for (const page of PAGES) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    for (const block of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)) {
      for (const raw of (block[1] as string).split('\n')) {
        const line = raw.replace(/\s+#.*$/, '');
        for (const part of line.split(/\||&&|;/)) {
          const w = words(part.trim());
          const at = w.indexOf('lambda-ml');
          if (at < 0 || (at > 0 && w[at - 1] !== 'npx')) continue;
          const command = w[at + 1];
          if (command === undefined || command.startsWith('-')) continue;
          found.push({ page, line: raw.trim(), command, args: w.slice(at + 2) });
        }
      }
    }
  }
  return found;
}

const helpCache = new Map<string, { code: number | null; text: string }>();
function help(command: string): { code: number | null; text: string } {
  let h = helpCache.get(command);
  if (h === undefined) {
    const r = spawnSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8', timeout: 120_000 });
    h = { code: r.status, text: r.stdout + r.stderr };
    helpCache.set(command, h);
  }
  return h;
}

describe('docs match the CLI', () => {
  const all = examples();

  it('finds the examples (so this test can fail)', () => {
    assert.ok(all.length >= 15, `only ${all.length} lambda-ml examples found`);
    assert.ok(all.some((e) => e.page === 'README.md' && e.command === 'train'));
  });

  it('every documented command exists and accepts every documented flag', () => {
    const problems: string[] = [];
    for (const e of all) {
      const h = help(e.command);
      if (h.code !== 0) {
        problems.push(`${e.page}: \`lambda-ml ${e.command}\` is not a command (${e.line})`);
        continue;
      }
      // After a variadic --bootstrap, the words belong to the bootstrapped command.
      const own =
        e.args.indexOf('--bootstrap') >= 0 ? e.args.slice(0, e.args.indexOf('--bootstrap') + 1) : e.args;
      for (const arg of own) {
        if (!arg.startsWith('--')) continue;
        const flag = arg.split('=')[0] as string;
        if (!new RegExp(`(^|[\\s,])${flag}(\\s|,|$|=)`, 'm').test(h.text)) {
          problems.push(`${e.page}: \`lambda-ml ${e.command}\` has no ${flag} (${e.line})`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('no example writes its output into the repository root (where lint would find it)', () => {
    const problems: string[] = [];
    for (const e of all) {
      const at = e.args.indexOf('--out');
      const out = at >= 0 ? e.args[at + 1] : undefined;
      if (out === undefined || out.includes('<') || out.includes('$')) continue;
      const inRepoRoot = !out.includes('/');
      const ignored =
        out.startsWith('.artifacts/') || out.startsWith('/tmp/') || out.startsWith('infra/cdk.out');
      if (inRepoRoot && !ignored)
        problems.push(`${e.page}: --out ${out} writes into the repository root (${e.line})`);
    }
    assert.deepEqual(problems, []);
  });
});
