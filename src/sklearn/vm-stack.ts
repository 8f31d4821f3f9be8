// The pickle VM's stack and MARKs, and the opcodes that only shuffle them: tuples, lists, dicts, sets.
import type { Budget } from '../core/budget.js';
import type { ByteReader } from './byte-reader.js';
import { PickleFormatError, PickleLimitError } from './errors.js';
import { OP } from './opcodes.js';
import { type PyKey, PySet, PyTuple, type PyValue, typeName } from './values.js';

/** Tuples are never mutated, so every `()` can share one. */
export const EMPTY_TUPLE = new PyTuple(Object.freeze([]));

export interface StackLimits {
  /** Most values on the stack at once. */
  readonly maxStack: number;
  /** Most open MARKs at once (container nesting depth). */
  readonly maxMarks: number;
}

export class VmStack {
  readonly stack: PyValue[] = [];
  readonly marks: number[] = [];

  constructor(
    private readonly r: ByteReader,
    private readonly limits: StackLimits,
    /** Every value that lands in a container (and every new container) is charged here. */
    private readonly budget: Budget,
  ) {}

  push(v: PyValue): void {
    if (this.stack.length >= this.limits.maxStack) {
      throw new PickleLimitError(`pickle stack exceeds ${this.limits.maxStack} values`);
    }
    this.stack.push(v);
  }

  pop(what: string): PyValue {
    const floor = this.marks.length > 0 ? (this.marks[this.marks.length - 1] ?? 0) : 0;
    if (this.stack.length <= floor)
      throw new PickleFormatError(`pickle stack underflow at ${what} (offset ${this.r.pos})`);
    return this.stack.pop();
  }

  top(what: string): PyValue {
    if (this.stack.length === 0) throw new PickleFormatError(`pickle stack underflow at ${what}`);
    return this.stack[this.stack.length - 1];
  }

  /** The values above the last MARK, charged as container items (they are about to land in one). */
  popMark(what: string): PyValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new PickleFormatError(`${what} without a MARK at offset ${this.r.pos}`);
    this.budget.items(this.stack.length - mark + 1, what);
    return this.stack.splice(mark);
  }

  /** A new empty container. */
  private fresh(v: PyValue, what: string): void {
    this.budget.items(1, what);
    this.push(v);
  }

  /** Stack shuffling, tuples, lists, dicts, sets. */
  containerOp(op: number): boolean {
    switch (op) {
      case OP.MARK:
        if (this.marks.length >= this.limits.maxMarks) {
          throw new PickleLimitError(`pickle nesting exceeds ${this.limits.maxMarks} MARKs`);
        }
        this.marks.push(this.stack.length);
        return true;
      case OP.POP:
        this.pop('POP');
        return true;
      case OP.POP_MARK:
        this.popMark('POP_MARK');
        return true;
      case OP.DUP:
        this.push(this.top('DUP'));
        return true;
      case OP.EMPTY_TUPLE:
        this.push(EMPTY_TUPLE);
        return true;
      case OP.TUPLE:
        this.push(new PyTuple(this.popMark('TUPLE')));
        return true;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        this.budget.items(n + 1, 'TUPLE1-3');
        const items: PyValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(this.pop('TUPLE1-3'));
        this.push(new PyTuple(items));
        return true;
      }
      default:
        return this.collection(op);
    }
  }

  private collection(op: number): boolean {
    switch (op) {
      case OP.EMPTY_LIST:
        this.fresh([], 'EMPTY_LIST');
        return true;
      case OP.LIST:
        this.push(this.popMark('LIST'));
        return true;
      case OP.APPEND: {
        const item = this.pop('APPEND');
        this.budget.items(1, 'APPEND');
        this.list('APPEND').push(item);
        return true;
      }
      case OP.APPENDS: {
        const items = this.popMark('APPENDS');
        const list = this.list('APPENDS');
        for (const item of items) list.push(item);
        return true;
      }
      case OP.EMPTY_DICT:
        this.fresh(new Map(), 'EMPTY_DICT');
        return true;
      case OP.DICT:
        this.push(this.setItems(new Map(), this.popMark('DICT')));
        return true;
      case OP.SETITEM: {
        const value = this.pop('SETITEM');
        const key = this.pop('SETITEM');
        this.budget.items(2, 'SETITEM');
        this.setItems(this.dict('SETITEM'), [key, value]);
        return true;
      }
      case OP.SETITEMS: {
        const items = this.popMark('SETITEMS');
        this.setItems(this.dict('SETITEMS'), items);
        return true;
      }
      case OP.EMPTY_SET:
        this.fresh(new PySet([]), 'EMPTY_SET');
        return true;
      case OP.ADDITEMS: {
        const items = this.popMark('ADDITEMS');
        const set = this.top('ADDITEMS');
        if (!(set instanceof PySet)) throw new PickleFormatError(`ADDITEMS on ${typeName(set)}`);
        // A loop, not push(...items): spreading a million arguments overflows the call stack.
        for (let i = 0; i < items.length; i++) set.items.push(items[i]);
        return true;
      }
      case OP.FROZENSET:
        this.push(new PySet(this.popMark('FROZENSET')));
        return true;
      default:
        return false;
    }
  }

  private list(what: string): PyValue[] {
    const list = this.top(what);
    if (!Array.isArray(list)) throw new PickleFormatError(`${what} on ${typeName(list)}, expected a list`);
    return list;
  }

  private dict(what: string): Map<PyKey, PyValue> {
    const d = this.top(what);
    if (!(d instanceof Map)) throw new PickleFormatError(`${what} on ${typeName(d)}, expected a dict`);
    return d;
  }

  private setItems(d: Map<PyKey, PyValue>, items: PyValue[]): Map<PyKey, PyValue> {
    if (items.length % 2 !== 0) throw new PickleFormatError('dict items come in key/value pairs');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      const t = typeof key;
      if (!(key === null || t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean')) {
        throw new PickleFormatError(`dict key of type ${typeName(key)} is not supported`);
      }
      d.set(key as PyKey, items[i + 1]);
    }
    return d;
  }
}
