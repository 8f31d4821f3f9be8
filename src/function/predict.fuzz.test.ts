// Fuzz: random events and HTTP bodies never crash the prediction handler; every answer is a 200 or a 4xx with an error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Predictor, positionalSchema } from '../model/types.js';
import { createPredictionHandler } from './predict.js';

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const predictor: Predictor = {
  kind: 'RandomForestClassifier',
  task: 'classification',
  nFeatures: 3,
  schema: positionalSchema(3),
  classes: ['a', 'b'],
  predict: (row) => (Number(row[0]) > 0 ? 'b' : 'a'),
  predictProba: (row) => (Number(row[0]) > 0 ? Float64Array.of(0, 1) : Float64Array.of(1, 0)),
};

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 6 : 9));
  const numbers = [0, -1.5, 3, 1e308, Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53];
  switch (pick) {
    case 0:
      return numbers[Math.floor(next() * numbers.length)];
    case 1:
      return next() * 10 - 5;
    case 2:
      return ['', 'x', '1', 'NaN', 'data'][Math.floor(next() * 5)];
    case 3:
      return null;
    case 4:
      return next() < 0.5;
    case 5:
      return undefined;
    case 6:
    case 7:
      return Array.from({ length: Math.floor(next() * 5) }, () => value(next, depth + 1));
    default: {
      const keys = ['data', 'probabilities', 'extra', 'version', 'body'];
      const o: Record<string, unknown> = {};
      for (const k of keys) if (next() < 0.4) o[k] = value(next, depth + 1);
      return o;
    }
  }
}

/** Mostly well-formed requests with one thing wrong, so the checks past the first ones get exercised too. */
function request(next: () => number): unknown {
  const rows = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
    Array.from({ length: next() < 0.8 ? 3 : Math.floor(next() * 5) }, () =>
      next() < 0.9 ? next() * 4 - 2 : value(next, 4),
    ),
  );
  const data = next() < 0.5 ? rows[0] : rows;
  const req: Record<string, unknown> = { data };
  if (next() < 0.3) req.probabilities = next() < 0.8 ? next() < 0.5 : value(next, 4);
  return req;
}

function httpEvent(next: () => number, payload: unknown): unknown {
  let body: string | undefined = JSON.stringify(payload);
  if (next() < 0.1 && body) body = body.slice(0, Math.floor(next() * body.length));
  const base64 = next() < 0.3;
  if (base64 && body !== undefined) body = Buffer.from(body).toString('base64');
  if (next() < 0.05) body = 'not*base64';
  return {
    version: '2.0',
    requestContext: { http: { method: next() < 0.95 ? 'POST' : 'PUT' } },
    body,
    isBase64Encoded: base64,
  };
}

describe('prediction handler fuzz', () => {
  it('answers 2,000 random events with a 200 or a 4xx error, never a throw', async () => {
    const handle = createPredictionHandler(predictor);
    for (let seed = 1; seed <= 2_000; seed++) {
      const next = rng(seed);
      const payload = next() < 0.6 ? request(next) : value(next, 0);
      const event = next() < 0.3 ? httpEvent(next, payload) : payload;
      let reply: { statusCode: number; body: unknown; headers?: unknown };
      try {
        reply = (await handle(event)) as typeof reply;
      } catch (error) {
        assert.fail(`seed ${seed}: threw ${String(error)} for ${JSON.stringify(event)}`);
      }
      const body = typeof reply.body === 'string' && reply.headers ? JSON.parse(reply.body) : reply.body;
      if (reply.statusCode === 200) {
        assert.ok(
          body === 'a' || body === 'b' || Array.isArray(body) || typeof body === 'object',
          `seed ${seed}`,
        );
      } else {
        assert.ok([400, 405].includes(reply.statusCode), `seed ${seed}: status ${reply.statusCode}`);
        assert.equal(typeof (body as { error?: unknown }).error, 'string', `seed ${seed}`);
      }
    }
  });
});
