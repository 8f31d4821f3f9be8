// A pickle virtual machine that builds inert data and executes nothing (protocols 2-5, memo, frames).
import { resolveGlobal } from './allowlist.js';
import { ByteReader } from './byte-reader.js';
import { PickleFormatError, PickleLimitError, UnsafePickleError } from './errors.js';
import {
  type ArrayLimits,
  buildDtype,
  buildReconstructed,
  reduceDtype,
  reduceEncode,
  reduceFrombuffer,
  reduceScalar,
} from './numpy-decode.js';
import { Dtype } from './numpy-dtype.js';
import { OP, REFUSED_OPS, TEXT_OPS } from './opcodes.js';
import { NOT_LITERAL, NOTHING, readLiteral } from './pickle-literals.js';
import {
  type NdArray,
  PyGlobal,
  type PyKey,
  PyObject,
  PySet,
  PyTuple,
  type PyValue,
  typeName,
} from './values.js';
import { readWrapperArray } from './wrapper.js';

export interface PickleLimits extends ArrayLimits {
  /** Most values on the stack at once. */
  readonly maxStack: number;
  /** Most open MARKs at once (container nesting depth). */
  readonly maxMarks: number;
  /** Most nested object-array pickles inside each other. */
  readonly maxNested: number;
}

export const DEFAULT_LIMITS: PickleLimits = {
  maxElements: 64 * 1024 * 1024,
  maxStack: 4 * 1024 * 1024,
  maxMarks: 1000,
  maxNested: 1,
};

const WRAPPER = 'joblib.numpy_pickle.NumpyArrayWrapper';
/** Memo indices below this live in an array; a pickle writing index 4e9 gets a map entry, not a 4e9 array. */
const DENSE_MEMO = 1 << 20;
/** Tuples are never mutated, so every `()` can share one. */
const EMPTY_TUPLE = new PyTuple(Object.freeze([]));

/** Runs one pickle from the reader's position to its STOP and returns the value. */
export class PickleVm {
  private readonly stack: PyValue[] = [];
  private readonly marks: number[] = [];
  /** The memo: dense indices in an array (the common case), sparse ones in a map; `memoSize` is len(memo). */
  private readonly memo: PyValue[] = [];
  private readonly sparseMemo = new Map<number, PyValue>();
  private memoSize = 0;
  /** Placeholders (array wrappers, `_reconstruct` results) replaced by arrays on BUILD; BINGET follows this. */
  private readonly resolved = new Map<PyObject, NdArray>();

  constructor(
    private readonly r: ByteReader,
    private readonly limits: PickleLimits = DEFAULT_LIMITS,
    private readonly nesting = 0,
  ) {}

  run(): PyValue {
    const r = this.r;
    const bytes = r.bytes;
    const end = bytes.length;
    const stack = this.stack;
    const memo = this.memo;
    const maxStack = this.limits.maxStack;
    for (;;) {
      const at = r.pos;
      const op = at < end ? (bytes[at] as number) : -1;
      // The most frequent opcodes (about 80% of a joblib file) decoded inline, without calls: a model is
      // loaded once per process, so this code mostly runs cold, where every call costs. Anything unusual
      // (a missing operand, an empty stack, a full stack) falls through to the checked slow path below.
      switch (op) {
        case OP.BINGET: {
          let v = at + 1 < end ? memo[bytes[at + 1] as number] : undefined;
          if (v === undefined || stack.length >= maxStack) break;
          if (v instanceof PyObject) v = this.resolved.get(v) ?? v;
          stack.push(v);
          r.pos = at + 2;
          continue;
        }
        case OP.MEMOIZE:
          if (stack.length === 0 || memo.length !== this.memoSize || this.memoSize >= DENSE_MEMO) break;
          memo.push(stack[stack.length - 1]);
          this.memoSize++;
          r.pos = at + 1;
          continue;
        case OP.BININT1:
          if (at + 1 >= end || stack.length >= maxStack) break;
          stack.push(bytes[at + 1] as number);
          r.pos = at + 2;
          continue;
        case OP.MARK:
          if (this.marks.length >= this.limits.maxMarks) break;
          this.marks.push(stack.length);
          r.pos = at + 1;
          continue;
        case OP.EMPTY_DICT:
        case OP.EMPTY_TUPLE:
        case OP.NONE:
        case OP.NEWTRUE:
        case OP.NEWFALSE:
          if (stack.length >= maxStack) break;
          stack.push(
            op === OP.EMPTY_DICT
              ? new Map()
              : op === OP.EMPTY_TUPLE
                ? EMPTY_TUPLE
                : op === OP.NONE
                  ? null
                  : op === OP.NEWTRUE,
          );
          r.pos = at + 1;
          continue;
      }
      r.u8('an opcode');
      if (op === OP.STOP) return this.pop('STOP');
      if (!(this.literal(op) || this.container(op) || this.memoOp(op) || this.object(op)))
        this.unknown(op, at);
    }
  }

  private unknown(op: number, at: number): never {
    const refused = REFUSED_OPS.get(op);
    const hex = `0x${op.toString(16).padStart(2, '0')}`;
    if (refused) {
      throw new UnsafePickleError(
        `refused pickle opcode ${refused} (${hex}) at offset ${at}: it can run code`,
        {
          context: { opcode: refused, offset: at },
        },
      );
    }
    const text = TEXT_OPS.get(op);
    if (text) {
      throw new PickleFormatError(
        `pickle opcode ${text} (${hex}) at offset ${at} is from protocol 0/1; re-save with protocol 2 or later`,
      );
    }
    throw new PickleFormatError(
      `invalid pickle opcode ${hex} at offset ${at}: not a pickle, or a corrupt one`,
    );
  }

  private push(v: PyValue): void {
    if (this.stack.length >= this.limits.maxStack) {
      throw new PickleLimitError(`pickle stack exceeds ${this.limits.maxStack} values`);
    }
    this.stack.push(v);
  }

  private pop(what: string): PyValue {
    const floor = this.marks.length > 0 ? (this.marks[this.marks.length - 1] ?? 0) : 0;
    if (this.stack.length <= floor)
      throw new PickleFormatError(`pickle stack underflow at ${what} (offset ${this.r.pos})`);
    return this.stack.pop();
  }

  private top(what: string): PyValue {
    if (this.stack.length === 0) throw new PickleFormatError(`pickle stack underflow at ${what}`);
    return this.stack[this.stack.length - 1];
  }

  private popMark(what: string): PyValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new PickleFormatError(`${what} without a MARK at offset ${this.r.pos}`);
    return this.stack.splice(mark);
  }

  /** Scalars, strings and bytes (and PROTO/FRAME, which push nothing). */
  private literal(op: number): boolean {
    const v = readLiteral(op, this.r);
    if (v === NOT_LITERAL) return false;
    if (v !== NOTHING) this.push(v);
    return true;
  }

  /** Stack shuffling, tuples, lists, dicts, sets. */
  private container(op: number): boolean {
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
        this.push([]);
        return true;
      case OP.LIST:
        this.push(this.popMark('LIST'));
        return true;
      case OP.APPEND: {
        const item = this.pop('APPEND');
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
        this.push(new Map());
        return true;
      case OP.DICT:
        this.push(this.setItems(new Map(), this.popMark('DICT')));
        return true;
      case OP.SETITEM: {
        const value = this.pop('SETITEM');
        const key = this.pop('SETITEM');
        this.setItems(this.dict('SETITEM'), [key, value]);
        return true;
      }
      case OP.SETITEMS: {
        const items = this.popMark('SETITEMS');
        this.setItems(this.dict('SETITEMS'), items);
        return true;
      }
      case OP.EMPTY_SET:
        this.push(new PySet([]));
        return true;
      case OP.ADDITEMS: {
        const items = this.popMark('ADDITEMS');
        const set = this.top('ADDITEMS');
        if (!(set instanceof PySet)) throw new PickleFormatError(`ADDITEMS on ${typeName(set)}`);
        set.items.push(...items);
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

  private memoOp(op: number): boolean {
    const r = this.r;
    switch (op) {
      case OP.BINGET:
        this.push(this.get(r.u8()));
        return true;
      case OP.LONG_BINGET:
        this.push(this.get(r.u32()));
        return true;
      case OP.BINPUT:
        this.put(r.u8(), this.top('BINPUT'));
        return true;
      case OP.LONG_BINPUT:
        this.put(r.u32(), this.top('LONG_BINPUT'));
        return true;
      case OP.MEMOIZE:
        this.put(this.memoSize, this.top('MEMOIZE'));
        return true;
      default:
        return false;
    }
  }

  private put(i: number, v: PyValue): void {
    if (i < DENSE_MEMO) {
      if (this.memo[i] === undefined) this.memoSize++;
      // Holes below i would turn the array sparse; fill them with undefined (= absent) instead.
      while (this.memo.length < i) this.memo.push(undefined);
      this.memo[i] = v;
    } else {
      if (!this.sparseMemo.has(i)) this.memoSize++;
      this.sparseMemo.set(i, v);
    }
  }

  private get(i: number): PyValue {
    const v = i < DENSE_MEMO ? this.memo[i] : this.sparseMemo.get(i);
    if (v === undefined) throw new PickleFormatError(`memo entry ${i} read before it was written`);
    return v instanceof PyObject ? (this.resolved.get(v) ?? v) : v;
  }

  /** Globals and the object-building opcodes, restricted to the allow-list's roles. */
  private object(op: number): boolean {
    switch (op) {
      case OP.GLOBAL: {
        const module = this.r.line(256);
        this.push(resolveGlobal(module, this.r.line(256)));
        return true;
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop('STACK_GLOBAL');
        const module = this.pop('STACK_GLOBAL');
        if (typeof module !== 'string' || typeof name !== 'string') {
          throw new PickleFormatError('STACK_GLOBAL needs two strings');
        }
        this.push(resolveGlobal(module, name));
        return true;
      }
      case OP.NEWOBJ:
      case OP.NEWOBJ_EX:
        this.newobj(op === OP.NEWOBJ_EX);
        return true;
      case OP.REDUCE:
        this.reduce();
        return true;
      case OP.BUILD:
        this.build();
        return true;
      default:
        return false;
    }
  }

  private newobj(ex: boolean): void {
    const kwargs = ex ? this.pop('NEWOBJ_EX') : undefined;
    const args = this.pop('NEWOBJ');
    const cls = this.pop('NEWOBJ');
    if (!(cls instanceof PyGlobal) || cls.role !== 'class') {
      throw new UnsafePickleError(
        `refused NEWOBJ of ${describe(cls)}: only allow-listed classes are instantiated`,
      );
    }
    if (!(args instanceof PyTuple) || (ex && !(kwargs instanceof Map && kwargs.size === 0))) {
      throw new PickleFormatError(`NEWOBJ of ${cls.qualified} has malformed arguments`);
    }
    this.push(new PyObject(cls, args.items));
  }

  private reduce(): void {
    const argsV = this.pop('REDUCE');
    const fn = this.pop('REDUCE');
    if (!(fn instanceof PyGlobal)) throw new UnsafePickleError(`refused REDUCE of ${describe(fn)}`);
    if (!(argsV instanceof PyTuple))
      throw new PickleFormatError(`REDUCE of ${fn.qualified} needs an argument tuple`);
    const args = argsV.items;
    switch (fn.role) {
      case 'record':
        this.push(new PyObject(fn, args));
        return;
      case 'dtype':
        this.push(reduceDtype(args));
        return;
      case 'scalar':
        this.push(reduceScalar(args));
        return;
      case 'encode':
        this.push(reduceEncode(args));
        return;
      case 'frombuffer':
        this.push(reduceFrombuffer(args, this.limits));
        return;
      case 'reconstruct': {
        const base = args[0];
        if (!(base instanceof PyGlobal) || base.qualified !== 'numpy.ndarray') {
          throw new UnsafePickleError(
            `refused ${fn.qualified} of ${describe(base)}: only numpy.ndarray is allowed`,
          );
        }
        this.push(new PyObject(fn, args));
        return;
      }
      default:
        throw new UnsafePickleError(
          `refused REDUCE (call) of ${fn.qualified}: it may only be used as a ${fn.role}`,
        );
    }
  }

  private build(): void {
    const state = this.pop('BUILD');
    const target = this.top('BUILD');
    if (target instanceof Dtype) {
      buildDtype(target, state);
      return;
    }
    if (!(target instanceof PyObject)) throw new PickleFormatError(`BUILD on ${typeName(target)}`);
    if (target.state !== undefined || this.resolved.has(target)) {
      throw new PickleFormatError(`BUILD applied twice to ${target.cls.qualified}`);
    }
    let array: NdArray | null = null;
    if (target.cls.role === 'reconstruct') array = buildReconstructed(state, this.limits);
    else if (target.cls.qualified === WRAPPER) array = this.wrapper(state);
    if (array === null) {
      target.state = state;
      return;
    }
    this.resolved.set(target, array);
    this.stack[this.stack.length - 1] = array;
  }

  /** joblib's NumpyArrayWrapper: the array's bytes (or a nested object-array pickle) follow in the stream. */
  private wrapper(state: PyValue): NdArray {
    if (this.nesting > 0) {
      throw new UnsafePickleError('refused a joblib NumpyArrayWrapper inside a nested object-array pickle');
    }
    return readWrapperArray(this.r, state, this.limits, () => {
      if (this.nesting >= this.limits.maxNested) {
        throw new PickleLimitError(`object-array pickles nested deeper than ${this.limits.maxNested}`);
      }
      return new PickleVm(this.r, this.limits, this.nesting + 1).run();
    });
  }
}

function describe(v: PyValue): string {
  return v instanceof PyGlobal ? v.qualified : typeName(v);
}

/** Unpickles a whole (decompressed) joblib or pickle byte stream into inert values. */
export function unpickle(bytes: Uint8Array, limits: PickleLimits = DEFAULT_LIMITS): PyValue {
  const r = new ByteReader(bytes);
  if (bytes.length < 2 || bytes[0] !== OP.PROTO) {
    throw new PickleFormatError(
      `not a pickle: expected the PROTO opcode 0x80 at offset 0, found ${bytes.length === 0 ? 'an empty file' : `0x${(bytes[0] ?? 0).toString(16)}`}`,
    );
  }
  return new PickleVm(r, limits).run();
}
