// Unit tests of the reader resource budget: scaling to the input, each limit, the error it throws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Budget, BudgetExceededError, budgetLimitsFor } from './budget.js';
import { LambdaMlError } from './errors.js';

test('limits scale with the stored size between a floor and a cap', () => {
  const small = budgetLimitsFor(1000);
  assert.equal(small.items, 1 << 20);
  assert.equal(small.inflatedBytes, 32 * 1024 * 1024);
  assert.equal(small.bytes, 2 * small.inflatedBytes);
  const mid = budgetLimitsFor(1_000_000);
  assert.equal(mid.items, 8_000_000);
  assert.equal(mid.inflatedBytes, 256_000_000);
  const huge = budgetLimitsFor(1e10);
  assert.equal(huge.items, 1 << 24);
  assert.equal(huge.inflatedBytes, 256 * 1024 * 1024);
  assert.equal(budgetLimitsFor(1000, { items: 5 }).items, 5);
});

test('each charge throws once its limit is passed, naming what, where, the resource and the limit', () => {
  let pos = 7;
  const budget = new Budget(
    budgetLimitsFor(0, { items: 3, bytes: 10, stringBytes: 4 }),
    () => `offset ${pos}`,
  );
  budget.items(3, 'LIST');
  pos = 42;
  assert.throws(
    () => budget.items(1, 'APPEND'),
    (e: Error) => {
      assert.ok(e instanceof BudgetExceededError);
      assert.match(
        e.message,
        /^APPEND at offset 42 exceeds the reader's resource budget: container items and memo entries 4 > limit 3$/,
      );
      assert.deepEqual((e as BudgetExceededError).context, {
        resource: 'items',
        limit: 3,
        requested: 1,
        used: 4,
        where: 'offset 42',
      });
      return true;
    },
  );
  assert.throws(() => budget.string(5, 'str'), /bytes in one string 5 > limit 4/);
  budget.bytes(10, 'array');
  assert.throws(() => budget.bytes(1, 'array'), /bytes of strings and arrays 11 > limit 10/);
  assert.throws(() => budget.inflated(1e12, 'zlib'), /decompressed bytes/);
  assert.throws(() => budget.depth(1001, 'nested pickle'), /nesting depth 1001 > limit 1000/);
  assert.throws(() => budget.array(1 << 27, 8, 'array'), /elements in one array/);
});

test("a reader's own error class is thrown", () => {
  class ReaderLimitError extends LambdaMlError {}
  const budget = new Budget(budgetLimitsFor(0, { items: 0 }), undefined, ReaderLimitError);
  assert.throws(() => budget.items(1, 'x'), ReaderLimitError);
});
