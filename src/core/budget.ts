// A resource budget for readers of untrusted bytes: limits decided once from the input's size, charged on every allocation.
import { LambdaMlError, type LambdaMlErrorOptions } from './errors.js';

/** What a reader may build from one input, in total and per value. */
export interface BudgetLimits {
  /** Largest decompressed size of a compressed input, in bytes. */
  readonly inflatedBytes: number;
  /** Items across every container (list, tuple, dict, set), memo/table entry and object built from the input. */
  readonly items: number;
  /** Bytes materialised from the input: strings, byte strings, array buffers (copies count each time). */
  readonly bytes: number;
  /** Largest single string, byte string or fixed-width string element, in bytes. */
  readonly stringBytes: number;
  /** Most elements of any one array. */
  readonly arrayElements: number;
  /** Deepest nesting of containers or sub-readers. */
  readonly depth: number;
}

/** Which limit a charge ran into (also the `resource` field of the error's context). */
export type BudgetResource = keyof BudgetLimits;

/** An input asked for more than its budget allows; `context` has resource, limit, requested and where. */
export class BudgetExceededError extends LambdaMlError {}

/** How a reader reports an exceeded budget: its own typed error class (a PickleLimitError, ...). */
export type BudgetErrorClass = new (message: string, options?: LambdaMlErrorOptions) => Error;

const MIB = 1024 * 1024;

/**
 * Limits for an input of `storedBytes` bytes (as stored, compressed or not).
 * - Decompression may grow it 256-fold (at least to 32 MiB, at most 256 MiB): model files compress
 *   a few times, a bomb a thousand times.
 * - A container item costs at least one byte of decompressed input, so a small compressed bomb could
 *   otherwise ask for hundreds of millions of them; scaling items to the stored size lets honest files
 *   (whose containers are a tiny part of their bytes) through and stops a bomb after about a million
 *   items: milliseconds of work. The cap sits far below V8's own array limit (2^27 elements), whose
 *   overflow is an uncatchable crash.
 * - Materialised bytes may be twice the decompressed limit (copies into aligned arrays, reordering).
 */
export function budgetLimitsFor(storedBytes: number, overrides: Partial<BudgetLimits> = {}): BudgetLimits {
  const scaled = (perByte: number, floor: number, cap: number) =>
    Math.min(cap, Math.max(floor, Math.ceil(storedBytes * perByte)));
  const inflatedBytes = overrides.inflatedBytes ?? scaled(256, 32 * MIB, 256 * MIB);
  return {
    inflatedBytes,
    items: scaled(8, 1 << 20, 1 << 24),
    bytes: 2 * Math.max(inflatedBytes, storedBytes),
    stringBytes: MIB,
    arrayElements: 1 << 26,
    depth: 1000,
    ...overrides,
  };
}

/**
 * One budget per input. Counters are public so a hot loop can charge inline
 * (`b.itemsLeft -= n; if (b.itemsLeft < 0) b.exceeded('items', n, what)`); the methods do the same
 * with a call.
 */
export class Budget {
  itemsLeft: number;
  bytesLeft: number;

  constructor(
    readonly limits: BudgetLimits,
    /** Where the reader is now (`offset 1234`, `tree 3 node 17`), asked only when a charge fails. */
    public where: () => string = () => 'an unknown position',
    private readonly ErrorClass: BudgetErrorClass = BudgetExceededError,
  ) {
    this.itemsLeft = limits.items;
    this.bytesLeft = limits.bytes;
  }

  /** Charges `n` container items (list/dict/set/tuple entries, memo entries, objects). */
  items(n: number, what: string): void {
    this.itemsLeft -= n;
    if (this.itemsLeft < 0) this.exceeded('items', n, what);
  }

  /** Charges `n` materialised bytes. */
  bytes(n: number, what: string): void {
    this.bytesLeft -= n;
    if (this.bytesLeft < 0) this.exceeded('bytes', n, what);
  }

  /** One string or byte string of `n` bytes: within the per-value limit, charged to the byte total. */
  string(n: number, what: string): void {
    if (n > this.limits.stringBytes) this.exceeded('stringBytes', n, what);
    this.bytes(n, what);
  }

  /** One array of `elements` elements and `bytes` bytes. */
  array(elements: number, bytes: number, what: string): void {
    if (elements > this.limits.arrayElements) this.exceeded('arrayElements', elements, what);
    this.bytes(bytes, what);
  }

  /** A decompressed size (or a size about to be decompressed). */
  inflated(n: number, what: string): void {
    if (n > this.limits.inflatedBytes) this.exceeded('inflatedBytes', n, what);
  }

  /** Nesting at `depth` (0 = top level). */
  depth(depth: number, what: string): void {
    if (depth > this.limits.depth) this.exceeded('depth', depth, what);
  }

  /** Throws the reader's typed error naming the resource, the limit, the request and the position. */
  exceeded(resource: BudgetResource, requested: number, what: string): never {
    const where = this.where();
    const limit = this.limits[resource];
    const used =
      resource === 'items'
        ? limit - this.itemsLeft
        : resource === 'bytes'
          ? limit - this.bytesLeft
          : requested;
    throw new this.ErrorClass(
      `${what} at ${where} exceeds the reader's resource budget: ${DESCRIBE[resource]} ${used} > limit ${limit}`,
      { context: { resource, limit, requested, used, where } },
    );
  }
}

const DESCRIBE: Readonly<Record<BudgetResource, string>> = {
  inflatedBytes: 'decompressed bytes',
  items: 'container items and memo entries',
  bytes: 'bytes of strings and arrays',
  stringBytes: 'bytes in one string',
  arrayElements: 'elements in one array',
  depth: 'nesting depth',
};
