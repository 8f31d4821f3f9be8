// Unit tests of the pricing model: the fixture, tiers, provisioned concurrency, break-even, bad flags.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readBenchFigures } from './bench-result.js';
import { breakEvenRequests } from './break-even.js';
import { CostInputError } from './errors.js';
import { estimateCost, formatCostReport } from './estimate.js';
import { parseCostFlags } from './input.js';
import { type LambdaCostInput, lambdaMonthlyCost, tieredDurationUsd } from './lambda.js';
import { LAMBDA_PRICES } from './prices.js';

const fixture: LambdaCostInput = {
  requests: 10_000_000,
  durationMs: 50,
  memoryMb: 1024,
  arch: 'arm64',
  provisioned: 0,
  coldStartRatio: 0,
  initMs: 0,
  freeTier: true,
};

describe('lambdaMonthlyCost', () => {
  it('prices the issue fixture at $3.13 = 1.33 compute + 1.80 requests', () => {
    const cost = lambdaMonthlyCost(fixture);
    assert.equal(cost.computeUsd.toFixed(2), '1.33');
    assert.equal(cost.requestsUsd.toFixed(2), '1.80');
    assert.equal(cost.totalUsd.toFixed(2), '3.13');
    assert.equal(cost.billableGbSeconds, 100_000);
  });

  it('charges x86_64 more than arm64 and drops the free tier on request', () => {
    const x86 = lambdaMonthlyCost({ ...fixture, arch: 'x86_64' });
    assert.equal(x86.computeUsd.toFixed(2), '1.67');
    const noFree = lambdaMonthlyCost({ ...fixture, freeTier: false });
    assert.equal(noFree.computeUsd.toFixed(2), (500_000 * 0.0000133334).toFixed(2));
    assert.equal(noFree.requestsUsd.toFixed(2), '2.00');
  });

  it('rounds duration up to the next millisecond and bills cold-start init time', () => {
    const rounded = lambdaMonthlyCost({ ...fixture, durationMs: 49.2, freeTier: false });
    assert.equal(rounded.billableGbSeconds, 500_000);
    const cold = lambdaMonthlyCost({ ...fixture, coldStartRatio: 0.01, initMs: 200, freeTier: false });
    assert.equal(cold.billableGbSeconds, 500_000 + 100_000 * 0.2);
  });

  it('walks the duration tiers', () => {
    const tiers = LAMBDA_PRICES.arm64.durationTiers;
    const over = tieredDurationUsd(8e9, tiers);
    assert.ok(Math.abs(over - (7.5e9 * 0.0000133334 + 0.5e9 * 0.0000120001)) < 1e-6);
    assert.equal(tieredDurationUsd(0, tiers), 0);
  });

  it('adds provisioned concurrency and moves the invocations it absorbs to its own price', () => {
    const cost = lambdaMonthlyCost({ ...fixture, provisioned: 1, freeTier: false });
    // Mean concurrency 10M x 50 ms / 2,628,000 s = 0.19 < 1: every request is served warm.
    assert.equal(cost.provisionedShare, 1);
    assert.equal(cost.computeUsd, 0);
    const configured = 2_628_000 * 0.0000033334;
    const duration = 500_000 * 0.0000077778;
    assert.equal(cost.provisionedUsd.toFixed(4), (configured + duration).toFixed(4));
  });
});

describe('break-even', () => {
  it('finds the request count where Lambda costs as much as the alternative', () => {
    const { requests: _r, ...perRequest } = fixture;
    const target = 14.42;
    const { requestsPerMonth } = breakEvenRequests(perRequest, target);
    assert.ok(requestsPerMonth !== null && requestsPerMonth > 0);
    assert.ok(lambdaMonthlyCost({ ...fixture, requests: requestsPerMonth - 1 }).totalUsd < target);
    assert.ok(lambdaMonthlyCost({ ...fixture, requests: requestsPerMonth }).totalUsd >= target);
  });

  it('says Lambda is never cheaper when provisioned concurrency alone costs more', () => {
    const { requests: _r, ...perRequest } = fixture;
    const result = breakEvenRequests({ ...perRequest, provisioned: 10, memoryMb: 4096 }, 15);
    assert.equal(result.requestsPerMonth, 0);
  });

  it('reports both alternatives with dated prices', () => {
    const text = formatCostReport(estimateCost(fixture));
    assert.match(text, /total +\$3\.13 per month/);
    assert.match(text, /Fargate task \(0\.5 vCPU, 1 GB/);
    assert.match(text, /EC2 instance \(t4g\.small/);
    assert.match(text, /as of 2025-05-20/);
  });
});

describe('parseCostFlags', () => {
  const good = { requests: '10000000', durationMs: '50', memory: '1024' };

  it('parses the fixture flags', () => {
    assert.deepEqual(parseCostFlags(good), fixture);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['missing --requests', { durationMs: '50', memory: '1024' }, /--requests is required/],
    ['negative --requests', { ...good, requests: '-5' }, /--requests must be a number >= 0, got '-5'/],
    ['missing --duration-ms', { requests: '1', memory: '1024' }, /--duration-ms is required/],
    ['zero --duration-ms', { ...good, durationMs: '0' }, /--duration-ms must be a number > 0/],
    ['text --duration-ms', { ...good, durationMs: 'fast' }, /--duration-ms must be a number/],
    ['missing --memory', { requests: '1', durationMs: '50' }, /--memory is required/],
    ['small --memory', { ...good, memory: '64' }, /--memory must be an integer >= 128 and <= 10240/],
    ['fractional --memory', { ...good, memory: '1024.5' }, /--memory must be an integer/],
    ['negative --provisioned', { ...good, provisioned: '-1' }, /--provisioned must be an integer >= 0/],
    ['bad --arch', { ...good, arch: 'sparc' }, /--arch must be arm64 or x86_64/],
    [
      'ratio above 1',
      { ...good, coldStartRatio: '2', initMs: '100' },
      /--cold-start-ratio must be a number >= 0 and <= 1/,
    ],
    ['ratio without init', { ...good, coldStartRatio: '0.1' }, /--cold-start-ratio needs --init-ms/],
    [
      'negative --init-ms',
      { ...good, coldStartRatio: '0.1', initMs: '-3' },
      /--init-ms must be a number >= 0/,
    ],
  ];
  for (const [name, flags, message] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => parseCostFlags(flags),
        (error: unknown) => {
          assert.ok(error instanceof CostInputError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('readBenchFigures', () => {
  it('takes duration and init time from a bench result, and names a file without them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-bench-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(
        good,
        JSON.stringify({ warm: { latency: { meanMs: 3.7, p50Ms: 3.1 } }, cold: { runs: 3, medianMs: 120 } }),
      );
      assert.deepEqual(readBenchFigures(good), { durationMs: 3.7, initMs: 120 });
      const warmOnly = join(dir, 'remote.json');
      writeFileSync(warmOnly, JSON.stringify({ warm: { latency: { meanMs: 12 } } }));
      assert.deepEqual(readBenchFigures(warmOnly), { durationMs: 12, initMs: null });
      const empty = join(dir, 'empty.json');
      writeFileSync(empty, '{"other":1}');
      assert.throws(() => readBenchFigures(empty), /empty\.json has no warm duration/);
      assert.throws(
        () => readBenchFigures(join(dir, 'none.json')),
        /cannot read --from-bench file .*none\.json/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
