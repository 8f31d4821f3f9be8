// The fan-out core against a scripted in-process target: chunking, ordering, retry classes, backoff, failure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Chunk, checkRowsPerChunk, chunksOf, type SourceItem } from './chunks.js';
import { backoffMs, checkMaxAttempts, DEFAULT_RETRY } from './retry.js';
import { AnswerError, type FanoutOptions, runFanout } from './run.js';
import { type InvokeOutcome, type InvokeTarget, isRetryable } from './target.js';

async function* items(n: number, refused: ReadonlySet<number> = new Set()): AsyncGenerator<SourceItem> {
  for (let i = 0; i < n; i++) {
    yield refused.has(i) ? { line: i + 1, error: `bad ${i + 1}` } : { line: i + 1, json: `[${i}]` };
  }
}

async function collect(chunks: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

const noSleep = async (): Promise<void> => {};

/** A target answering `{"statusCode":200,"body":[...]}` with each row's number doubled, after `script` says so. */
function target(
  script: (payload: string, call: number) => InvokeOutcome | null,
  delay = () => 0,
): InvokeTarget & { calls: string[] } {
  const calls: string[] = [];
  return {
    description: 'test target',
    calls,
    async invoke(payload) {
      const call = calls.push(payload);
      await new Promise((resolve) => setTimeout(resolve, delay()));
      const scripted = script(payload, call);
      if (scripted !== null) return scripted;
      const rows = (JSON.parse(payload) as { data: number[][] }).data;
      return {
        kind: 'ok',
        body: JSON.stringify({ statusCode: 200, body: rows.map((r) => (r[0] as number) * 2) }),
        logTail: 'START\nREPORT RequestId: x\tDuration: 3.2 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\n',
      };
    },
    close: () => {},
  };
}

function options(t: InvokeTarget, out: string[], extra: Partial<FanoutOptions> = {}): FanoutOptions {
  return {
    target: t,
    concurrency: 3,
    retry: { ...DEFAULT_RETRY, maxAttempts: 4 },
    payload: (rows) => `{"data":[${rows.join(',')}]}`,
    answers: (body, n) => {
      const reply = JSON.parse(body) as { statusCode: number; body: number[] };
      if (reply.statusCode !== 200 || reply.body.length !== n) throw new AnswerError('bad answer');
      return reply.body.map((x) => `{"prediction":${x}}`);
    },
    errorLine: (line, message) => `{"line":${line},"error":"${message}"}`,
    write: (text) => void out.push(text),
    sleep: noSleep,
    random: () => 0.5,
    ...extra,
  };
}

const expected = (n: number, refused: ReadonlySet<number> = new Set()): string =>
  Array.from({ length: n }, (_, i) =>
    refused.has(i) ? `{"line":${i + 1},"error":"bad ${i + 1}"}\n` : `{"prediction":${i * 2}}\n`,
  ).join('');

describe('chunksOf', () => {
  it('closes a chunk at rowsPerChunk rows (refused ones included) and keeps them in order', async () => {
    const chunks = await collect(
      chunksOf(items(25, new Set([3])), { rowsPerChunk: 10, answerBytesPerRow: 10 }),
    );
    assert.deepEqual(
      chunks.map((c) => [c.index, c.firstRow, c.items.length, c.rows.length]),
      [
        [0, 0, 10, 9],
        [1, 10, 10, 10],
        [2, 20, 5, 5],
      ],
    );
  });

  it('closes before the request or the expected answer passes the byte budget, and refuses a row too big alone', async () => {
    async function* big(): AsyncGenerator<SourceItem> {
      yield { line: 1, json: 'x'.repeat(40) };
      yield { line: 2, json: 'x'.repeat(40) };
      yield { line: 3, json: 'x'.repeat(120) };
      yield { line: 4, json: 'x'.repeat(10) };
      yield { line: 5, json: 'x'.repeat(40) };
    }
    const chunks = await collect(
      chunksOf(big(), { rowsPerChunk: 100, answerBytesPerRow: 1, budgetBytes: 100 }),
    );
    // 41 + 41 + 11 bytes fit; the oversized row 3 is refused in place and costs nothing; row 5 would pass 100.
    assert.deepEqual(
      chunks.map((c) => c.items.map((i) => i.line)),
      [[1, 2, 3, 4], [5]],
    );
    assert.match(
      chunks[0]?.items[2]?.error ?? '',
      /row is 120 bytes of JSON; one request must stay under 100 bytes/,
    );
    const byAnswer = await collect(
      chunksOf(items(10), { rowsPerChunk: 100, answerBytesPerRow: 30, budgetBytes: 100 }),
    );
    assert.deepEqual(
      byAnswer.map((c) => c.rows.length),
      [3, 3, 3, 1],
    );
  });

  it('numbers rows after a resume point', async () => {
    const [first] = await collect(chunksOf(items(3), { rowsPerChunk: 10, answerBytesPerRow: 1 }, 500));
    assert.equal(first?.firstRow, 500);
  });

  it('refuses a chunk size the handler would refuse', () => {
    assert.throws(() => checkRowsPerChunk(10_001), /--rows-per-chunk must be a whole number from 1 to 10000/);
    assert.throws(() => checkRowsPerChunk(0), /from 1 to 10000/);
    assert.throws(() => checkMaxAttempts(0), /--max-attempts must be a whole number from 1 to 100, got 0/);
  });
});

describe('runFanout', () => {
  it('writes answers in input order though chunks finish in any order', async () => {
    const out: string[] = [];
    const t = target(
      () => null,
      () => Math.random() * 15,
    );
    const chunks = chunksOf(items(200, new Set([0, 77, 199])), { rowsPerChunk: 7, answerBytesPerRow: 1 });
    const report = await runFanout(chunks, options(t, out, { concurrency: 8 }));
    assert.equal(out.join(''), expected(200, new Set([0, 77, 199])));
    assert.deepEqual([report.rows, report.refused, report.chunks, report.retries], [200, 3, 29, 0]);
    assert.equal(report.failure, null);
    assert.deepEqual(
      [report.billing.billedMs, report.billing.reported, report.billing.memoryMb],
      [29 * 4, 29, 512],
    );
  });

  it('sends no request for a chunk of refused rows only', async () => {
    const out: string[] = [];
    const t = target(() => null);
    await runFanout(
      chunksOf(items(4, new Set([0, 1, 2, 3])), { rowsPerChunk: 2, answerBytesPerRow: 1 }),
      options(t, out),
    );
    assert.equal(t.calls.length, 0);
    assert.equal(out.join(''), expected(4, new Set([0, 1, 2, 3])));
  });

  const retried: Array<[string, InvokeOutcome]> = [
    [
      'a 429 throttle',
      { kind: 'service-error', status: 429, errorType: 'TooManyRequestsException', message: 'Rate' },
    ],
    ['a 503', { kind: 'service-error', status: 503, errorType: 'ServiceException', message: 'down' }],
    ['a timeout', { kind: 'function-error', errorType: 'Sandbox.Timedout', message: 'Task timed out' }],
    [
      'a crashed instance',
      { kind: 'function-error', errorType: 'Runtime.ExitError', message: 'exit status 1' },
    ],
    ['a reset connection', { kind: 'network-error', code: 'ECONNRESET', message: 'socket reset' }],
  ];
  for (const [name, outcome] of retried) {
    it(`retries ${name} with backoff and jitter, and answers`, async () => {
      const out: string[] = [];
      const waits: number[] = [];
      const t = target((_, call) => (call <= 2 ? outcome : null));
      const report = await runFanout(
        chunksOf(items(5), { rowsPerChunk: 10, answerBytesPerRow: 1 }),
        options(t, out, { sleep: async (ms) => void waits.push(ms) }),
      );
      assert.equal(out.join(''), expected(5));
      assert.equal(report.retries, 2);
      assert.deepEqual(waits, [100, 200], 'half of 200 ms, then of 400 ms (random() = 0.5)');
      assert.ok(isRetryable(outcome));
    });
  }

  const fatal: Array<[string, InvokeOutcome, RegExp]> = [
    [
      'a function error the handler threw',
      { kind: 'function-error', errorType: 'Error', message: 'poisoned row' },
      /function error Error: poisoned row \(not retried: a retry cannot fix it\)/,
    ],
    [
      'a 413',
      { kind: 'service-error', status: 413, errorType: 'RequestEntityTooLargeException', message: 'too big' },
      /413 RequestEntityTooLargeException: too big \(not retried/,
    ],
    [
      'a 404',
      {
        kind: 'service-error',
        status: 404,
        errorType: 'ResourceNotFoundException',
        message: 'no such function',
      },
      /404 ResourceNotFoundException/,
    ],
    [
      'an out-of-memory instance',
      { kind: 'function-error', errorType: 'Runtime.OutOfMemory', message: 'killed' },
      /Runtime.OutOfMemory/,
    ],
  ];
  for (const [name, outcome, message] of fatal) {
    it(`fails at once on ${name}, keeping the chunks before it`, async () => {
      const out: string[] = [];
      const t = target((payload) => (payload.includes('[12]') ? outcome : null));
      const report = await runFanout(
        chunksOf(items(40), { rowsPerChunk: 5, answerBytesPerRow: 1 }),
        options(t, out, { concurrency: 1 }),
      );
      assert.equal(report.failure?.chunk.index, 2);
      assert.match(report.failure?.message ?? '', message);
      assert.equal(out.join(''), expected(10));
      assert.equal(t.calls.filter((c) => c.includes('[12]')).length, 1, 'not retried');
      assert.equal(t.calls.length, 3, 'no chunk after the failure started');
    });
  }

  it('gives up after maxAttempts, saying so', async () => {
    const t = target(() => ({
      kind: 'service-error',
      status: 429,
      errorType: 'TooManyRequestsException',
      message: 'Rate',
    }));
    const report = await runFanout(
      chunksOf(items(3), { rowsPerChunk: 10, answerBytesPerRow: 1 }),
      options(t, []),
    );
    assert.equal(t.calls.length, 4);
    assert.match(
      report.failure?.message ?? '',
      /429 TooManyRequestsException: Rate \(gave up after 4 attempts\)/,
    );
  });

  it('fails a chunk whose answer does not fit its rows (a different model behind the endpoint)', async () => {
    const t = target(() => ({ kind: 'ok', body: '{"statusCode":200,"body":[1]}' }));
    const report = await runFanout(
      chunksOf(items(3), { rowsPerChunk: 10, answerBytesPerRow: 1 }),
      options(t, []),
    );
    assert.match(report.failure?.message ?? '', /bad answer/);
    assert.equal(t.calls.length, 1);
  });

  it('finishes the chunks before a failed one, retrying them, so the output holds every row before it', async () => {
    const out: string[] = [];
    let throttled = 0;
    const t = target(
      (payload) => {
        if (payload.includes('[7]'))
          return { kind: 'function-error', errorType: 'Error', message: 'poisoned' };
        if (payload.includes('[2]') && throttled++ < 3)
          return {
            kind: 'service-error',
            status: 429,
            errorType: 'TooManyRequestsException',
            message: 'Rate',
          };
        return null;
      },
      () => 2,
    );
    const report = await runFanout(
      chunksOf(items(30), { rowsPerChunk: 3, answerBytesPerRow: 1 }),
      options(t, out, { concurrency: 4 }),
    );
    assert.equal(report.failure?.chunk.index, 2);
    assert.equal(out.join(''), expected(6));
    assert.equal(report.rows, 6);
  });

  it('takes no chunk more than 4 x concurrency ahead of the next one to write', async () => {
    let release: () => void = () => {};
    const blocked = new Promise<void>((r) => {
      release = r;
    });
    let pulled = 0;
    async function* counted(): AsyncGenerator<SourceItem> {
      for await (const item of items(100)) {
        pulled++;
        yield item;
      }
    }
    const t: InvokeTarget = {
      description: 'slow first',
      invoke: async (payload) => {
        if (payload.includes('[0]')) await blocked;
        const n = (JSON.parse(payload) as { data: unknown[] }).data.length;
        return {
          kind: 'ok',
          body: JSON.stringify({ statusCode: 200, body: Array.from({ length: n }, () => 0) }),
        };
      },
      close: () => {},
    };
    const run = runFanout(chunksOf(counted(), { rowsPerChunk: 1, answerBytesPerRow: 1 }), {
      ...options(t, []),
      concurrency: 2,
      answers: (_, n) => Array.from({ length: n }, () => 'x'),
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(pulled <= 2 * 4 + 2, `pulled ${pulled} rows while chunk 0 was stuck`);
    release();
    const report = await run;
    assert.equal(report.rows, 100);
  });
});

describe('backoffMs', () => {
  it('is uniform below min(cap, base x 2^(retry-1))', () => {
    const policy = { maxAttempts: 10, baseMs: 100, capMs: 1000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 9].map((r) => backoffMs(policy, r, () => 0.999)),
      [99, 199, 399, 799, 999, 999],
    );
    assert.equal(
      backoffMs(policy, 3, () => 0),
      0,
    );
  });
});
