// Fuzz driver (a child process with a heap limit): mutates real model files and checks only typed errors come out.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LambdaMlError } from '../src/core/errors.js';
import { createPredictor } from '../src/model/artifact.js';
import { readSklearnBytes } from '../src/sklearn/read.js';
import { toArtifact } from '../src/sklearn/to-artifact.js';

interface Job {
  readonly dir: string;
  readonly files: string[];
  readonly count: number;
  readonly budgetMs: number;
  readonly seed: number;
  /** If set, a failing input is written there (to replay it). */
  readonly dumpTo?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const report = (r: object): void => {
  process.stdout.write(`${JSON.stringify(r)}\n`);
};

/** xorshift32: a deterministic PRNG so a failure can be replayed from its seed and iteration. */
let state = job.seed >>> 0 || 1;
function rand(n: number): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % n;
}

function mutate(src: Uint8Array): Uint8Array {
  const b = Uint8Array.from(src);
  switch (rand(5)) {
    case 0: // flip a few bytes
      for (let i = 1 + rand(8); i > 0; i--) b[rand(b.length)] = rand(256);
      return b;
    case 1: // truncate
      return b.subarray(0, rand(b.length));
    case 2: {
      // a run of 0xff (huge lengths, -1 indices, NaN-ish floats)
      const at = rand(b.length);
      b.fill(0xff, at, at + 1 + rand(8));
      return b;
    }
    case 3: {
      // duplicate a chunk somewhere else
      const from = rand(b.length);
      const len = 1 + rand(64);
      const out = new Uint8Array(b.length + len);
      const at = rand(b.length);
      out.set(b.subarray(0, at));
      out.set(b.subarray(from, from + len), at);
      out.set(b.subarray(at), at + len);
      return out.subarray(0, b.length + Math.min(len, b.length - from));
    }
    default: // one byte set to a random opcode-ish value near a structural byte
      b[rand(Math.min(b.length, 4096))] = rand(256);
      return b;
  }
}

const sources = job.files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(job.dir, f))) }));
const start = Date.now();
let done = 0;
let parsed = 0;
let slowest = 0;
const errorTypes: Record<string, number> = {};
for (; done < job.count && Date.now() - start < job.budgetMs; done++) {
  const src = sources[done % sources.length];
  if (!src) break;
  const input = mutate(src.bytes);
  const t0 = Date.now();
  try {
    const { model } = readSklearnBytes(input);
    const p = createPredictor(toArtifact(model, { file: src.name, sha256: '0' }));
    const row = new Array(p.nFeatures).fill(0.5);
    p.predict(row);
    if (p.classes !== null) p.predictProba(row);
    parsed++;
  } catch (e) {
    if (!(e instanceof LambdaMlError)) {
      if (job.dumpTo) writeFileSync(job.dumpTo, input);
      report({ ok: false, file: src.name, iteration: done, error: String((e as Error)?.stack ?? e) });
      process.exit(0);
    }
    errorTypes[e.name] = (errorTypes[e.name] ?? 0) + 1;
  }
  slowest = Math.max(slowest, Date.now() - t0);
}
report({ ok: true, done, parsed, slowest, errorTypes });
