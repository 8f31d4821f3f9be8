// A pickle virtual machine that builds inert data and executes nothing (protocols 2-5, memo, frames).
import { Budget, budgetLimitsFor } from '../core/budget.js';
import type { LambdaMlError } from '../core/errors.js';
import { resolveGlobal } from './allowlist.js';
import { ByteReader } from './byte-reader.js';
import { PickleFormatError, PickleLimitError, SklearnError, UnsafePickleError } from './errors.js';
import {
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
import { type NdArray, PyGlobal, type PyKey, PyObject, PyTuple, type PyValue, typeName } from './values.js';
import { EMPTY_TUPLE, type StackLimits, VmStack } from './vm-stack.js';
import { readWrapperArray } from './wrapper.js';

/** Shape limits of the VM itself; what it may build from the bytes is the input's `Budget`. */
export interface PickleLimits extends StackLimits {
  /** Most nested object-array pickles inside each other. */
  readonly maxNested: number;
}

export const DEFAULT_LIMITS: PickleLimits = {
  maxStack: 4 * 1024 * 1024,
  maxMarks: 1000,
  maxNested: 1,
};

const WRAPPER = 'joblib.numpy_pickle.NumpyArrayWrapper';
/** Memo indices below this live in an array; a pickle writing index 4e9 gets a map entry, not a 4e9 array. */
const DENSE_MEMO = 1 << 20;

/** Which handler group an opcode belongs to: 1 literal, 2 stack/container, 3 memo, 4 globals/objects. */
const GROUP = new Uint8Array(256);
for (const op of [OP.PROTO, OP.FRAME, OP.NONE, OP.NEWTRUE, OP.NEWFALSE, OP.BININT, OP.BININT1, OP.BININT2])
  GROUP[op] = 1;
for (const op of [OP.LONG1, OP.LONG4, OP.BINFLOAT, OP.SHORT_BINUNICODE, OP.BINUNICODE, OP.BINUNICODE8])
  GROUP[op] = 1;
for (const op of [
  OP.SHORT_BINBYTES,
  OP.BINBYTES,
  OP.BINBYTES8,
  OP.BYTEARRAY8,
  OP.SHORT_BINSTRING,
  OP.BINSTRING,
]) {
  GROUP[op] = 1;
}
for (const op of [
  OP.MARK,
  OP.POP,
  OP.POP_MARK,
  OP.DUP,
  OP.EMPTY_TUPLE,
  OP.TUPLE,
  OP.TUPLE1,
  OP.TUPLE2,
  OP.TUPLE3,
]) {
  GROUP[op] = 2;
}
for (const op of [
  OP.EMPTY_LIST,
  OP.LIST,
  OP.APPEND,
  OP.APPENDS,
  OP.EMPTY_DICT,
  OP.DICT,
  OP.SETITEM,
  OP.SETITEMS,
]) {
  GROUP[op] = 2;
}
for (const op of [OP.EMPTY_SET, OP.ADDITEMS, OP.FROZENSET]) GROUP[op] = 2;
for (const op of [OP.BINGET, OP.LONG_BINGET, OP.BINPUT, OP.LONG_BINPUT, OP.MEMOIZE]) GROUP[op] = 3;
for (const op of [OP.GLOBAL, OP.STACK_GLOBAL, OP.NEWOBJ, OP.NEWOBJ_EX, OP.REDUCE, OP.BUILD]) GROUP[op] = 4;

/** Runs one pickle from the reader's position to its STOP and returns the value. */
export class PickleVm {
  private readonly st: VmStack;
  /** The memo: dense indices in an array (the common case), sparse ones in a map; `memoSize` is len(memo). */
  private readonly memo: PyValue[] = [];
  private readonly sparseMemo = new Map<number, PyValue>();
  private memoSize = 0;
  /** Placeholders (array wrappers, `_reconstruct` results) replaced by arrays on BUILD; BINGET follows this. */
  private readonly resolved = new Map<PyObject, NdArray>();

  constructor(
    private readonly r: ByteReader,
    private readonly limits: PickleLimits,
    private readonly budget: Budget,
    private readonly nesting = 0,
  ) {
    this.st = new VmStack(r, limits, budget);
  }

  run(): PyValue {
    const r = this.r;
    const bytes = r.bytes;
    const end = bytes.length;
    const stack = this.st.stack;
    const memo = this.memo;
    const maxStack = this.limits.maxStack;
    for (;;) {
      const at = r.pos;
      const op = at < end ? (bytes[at] as number) : -1;
      // The most frequent opcodes (about 80% of a joblib file) decoded inline, without calls: a model is
      // loaded once per process, so this code mostly runs cold, where every call costs. Anything unusual
      // (a missing operand, an empty stack, a full stack) falls through to the checked slow path below.
      // Cases are numeric literals: an imported OP.X costs a load per case while the code is interpreted.
      switch (op) {
        case 0x68 /* BINGET */:
          {
            let v = at + 1 < end ? memo[bytes[at + 1] as number] : undefined;
            if (v === undefined || stack.length >= maxStack) break;
            // Most memo hits are strings (dict keys); only objects can be placeholders of resolved arrays.
            if (typeof v === 'object' && v !== null && v instanceof PyObject) v = this.resolved.get(v) ?? v;
            stack.push(v);
            r.pos = at + 2;
            continue;
          }
        case 0x94 /* MEMOIZE */:
          if (stack.length === 0 || memo.length !== this.memoSize || this.memoSize >= DENSE_MEMO) break;
          this.budget.itemsLeft--;
          if (this.budget.itemsLeft < 0) this.budget.exceeded('items', 1, 'MEMOIZE');
          memo.push(stack[stack.length - 1]);
          this.memoSize++;
          r.pos = at + 1;
          continue;
        case 0x4b /* BININT1 */:
          if (at + 1 >= end || stack.length >= maxStack) break;
          stack.push(bytes[at + 1] as number);
          r.pos = at + 2;
          continue;
        case 0x28 /* MARK */:
          if (this.st.marks.length >= this.limits.maxMarks) break;
          this.st.marks.push(stack.length);
          r.pos = at + 1;
          continue;
        case 0x75 /* SETITEMS */:
          {
            // MARK k1 v1 k2 v2 ... SETITEMS onto the dict below the mark, when every key is a primitive.
            const marks = this.st.marks;
            const mark = marks.length > 0 ? (marks[marks.length - 1] as number) : -1;
            const d = mark > 0 ? stack[mark - 1] : undefined;
            if (!(d instanceof Map) || (stack.length - mark) % 2 !== 0) break;
            let plain = true;
            for (let i = mark; i < stack.length; i += 2) {
              const k = stack[i];
              if (typeof k !== 'string' && typeof k !== 'number' && k !== null && typeof k !== 'boolean')
                plain = false;
            }
            if (!plain) break;
            const n = stack.length - mark;
            this.budget.itemsLeft -= n;
            if (this.budget.itemsLeft < 0) this.budget.exceeded('items', n, 'SETITEMS');
            for (let i = mark; i < stack.length; i += 2) d.set(stack[i] as PyKey, stack[i + 1]);
            stack.length = mark;
            marks.pop();
            r.pos = at + 1;
            continue;
          }
        case 0x85 /* TUPLE1 */:
        case 0x86 /* TUPLE2 */:
        case 0x87 /* TUPLE3 */:
          {
            const n = op - 0x85 /* TUPLE1 */ + 1;
            const marks = this.st.marks;
            const floor = marks.length > 0 ? (marks[marks.length - 1] as number) : 0;
            if (stack.length - n < floor) break;
            this.budget.itemsLeft -= n + 1;
            if (this.budget.itemsLeft < 0) this.budget.exceeded('items', n + 1, 'TUPLE1-3');
            stack.push(new PyTuple(stack.splice(stack.length - n, n)));
            r.pos = at + 1;
            continue;
          }
        case 0x95 /* FRAME */:
          // Frames only group bytes for buffered reading; the stream is read straight through.
          r.pos = at + 1;
          r.length8('FRAME');
          continue;
        case 0x47 /* BINFLOAT */:
        case 0x4a /* BININT */:
          if (stack.length >= maxStack) break;
          r.pos = at + 1;
          stack.push(op === 0x47 ? r.f64be() : r.i32());
          continue;
        case 0x81 /* NEWOBJ */:
          r.pos = at + 1;
          this.newobj(false);
          continue;
        case 0x52 /* REDUCE */:
          r.pos = at + 1;
          this.reduce();
          continue;
        case 0x62 /* BUILD */:
          r.pos = at + 1;
          this.build();
          continue;
        case 0x7d /* EMPTY_DICT */:
          if (stack.length >= maxStack) break;
          this.budget.itemsLeft--;
          if (this.budget.itemsLeft < 0) this.budget.exceeded('items', 1, 'EMPTY_DICT');
          stack.push(new Map());
          r.pos = at + 1;
          continue;
        case 0x29 /* EMPTY_TUPLE */:
        case 0x4e /* NONE */:
        case 0x88 /* NEWTRUE */:
        case 0x89 /* NEWFALSE */:
          if (stack.length >= maxStack) break;
          stack.push(
            op === 0x29 /* EMPTY_TUPLE */
              ? EMPTY_TUPLE
              : op === 0x4e /* NONE */
                ? null
                : op === 0x88 /* NEWTRUE */,
          );
          r.pos = at + 1;
          continue;
      }
      r.u8('an opcode');
      if (op === 0x2e /* STOP */) return this.st.pop('STOP');
      // One table lookup picks the handler group, instead of asking each group in turn.
      const group = GROUP[op] ?? 0;
      const handled =
        group === 1
          ? this.literal(op)
          : group === 2
            ? this.st.containerOp(op)
            : group === 3
              ? this.memoOp(op)
              : group === 4 && this.object(op);
      if (!handled) this.unknown(op, at);
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

  /** Scalars, strings and bytes (and PROTO/FRAME, which push nothing). */
  private literal(op: number): boolean {
    const v = readLiteral(op, this.r, this.budget);
    if (v === NOT_LITERAL) return false;
    if (v !== NOTHING) this.st.push(v);
    return true;
  }

  private memoOp(op: number): boolean {
    const r = this.r;
    switch (op) {
      case OP.BINGET:
        this.st.push(this.get(r.u8()));
        return true;
      case OP.LONG_BINGET:
        this.st.push(this.get(r.u32()));
        return true;
      case OP.BINPUT:
        this.put(r.u8(), this.st.top('BINPUT'));
        return true;
      case OP.LONG_BINPUT:
        this.put(r.u32(), this.st.top('LONG_BINPUT'));
        return true;
      case OP.MEMOIZE:
        this.put(this.memoSize, this.st.top('MEMOIZE'));
        return true;
      default:
        return false;
    }
  }

  private put(i: number, v: PyValue): void {
    if (i < DENSE_MEMO) {
      // Holes below i cost memory like entries do.
      this.budget.items(Math.max(1, i + 1 - this.memo.length), 'memo entry');
      if (this.memo[i] === undefined) this.memoSize++;
      // Holes below i would turn the array sparse; fill them with undefined (= absent) instead.
      while (this.memo.length < i) this.memo.push(undefined);
      this.memo[i] = v;
    } else {
      this.budget.items(1, 'memo entry');
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
        this.st.push(resolveGlobal(module, this.r.line(256), () => this.enclosing()));
        return true;
      }
      case OP.STACK_GLOBAL: {
        const name = this.st.pop('STACK_GLOBAL');
        const module = this.st.pop('STACK_GLOBAL');
        if (typeof module !== 'string' || typeof name !== 'string') {
          throw new PickleFormatError('STACK_GLOBAL needs two strings');
        }
        this.st.push(resolveGlobal(module, name, () => this.enclosing()));
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

  /** The innermost object being built (the nearest record on the stack), for refusal messages. */
  private enclosing(): string | undefined {
    const stack = this.st.stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      const v = stack[i];
      if (v instanceof PyObject && v.cls.role === 'class') return v.cls.qualified;
    }
    return undefined;
  }

  private newobj(ex: boolean): void {
    const kwargs = ex ? this.st.pop('NEWOBJ_EX') : undefined;
    const args = this.st.pop('NEWOBJ');
    const cls = this.st.pop('NEWOBJ');
    if (!(cls instanceof PyGlobal) || cls.role !== 'class') {
      throw new UnsafePickleError(
        `refused NEWOBJ of ${describe(cls)}: only allow-listed classes are instantiated`,
      );
    }
    if (!(args instanceof PyTuple) || (ex && !(kwargs instanceof Map && kwargs.size === 0))) {
      throw new PickleFormatError(`NEWOBJ of ${cls.qualified} has malformed arguments`);
    }
    this.budget.items(1, 'NEWOBJ');
    this.st.push(new PyObject(cls, args.items));
  }

  private reduce(): void {
    const argsV = this.st.pop('REDUCE');
    const fn = this.st.pop('REDUCE');
    if (!(fn instanceof PyGlobal)) throw new UnsafePickleError(`refused REDUCE of ${describe(fn)}`);
    if (!(argsV instanceof PyTuple))
      throw new PickleFormatError(`REDUCE of ${fn.qualified} needs an argument tuple`);
    const args = argsV.items;
    this.budget.items(1, 'REDUCE');
    switch (fn.role) {
      case 'record':
        this.st.push(new PyObject(fn, args));
        return;
      case 'dtype':
        this.st.push(reduceDtype(args, this.budget));
        return;
      case 'scalar':
        this.st.push(reduceScalar(args));
        return;
      case 'encode':
        this.st.push(reduceEncode(args, this.budget));
        return;
      case 'frombuffer':
        this.st.push(reduceFrombuffer(args, this.budget));
        return;
      case 'bytearray':
        this.st.push(reduceBytearray(args));
        return;
      case 'dict':
        this.st.push(reduceDict(fn, args));
        return;
      case 'reconstruct': {
        const base = args[0];
        if (!(base instanceof PyGlobal) || base.qualified !== 'numpy.ndarray') {
          throw new UnsafePickleError(
            `refused ${fn.qualified} of ${describe(base)}: only numpy.ndarray is allowed`,
          );
        }
        this.st.push(new PyObject(fn, args));
        return;
      }
      default:
        throw new UnsafePickleError(
          `refused REDUCE (call) of ${fn.qualified}: it may only be used as a ${fn.role}`,
        );
    }
  }

  private build(): void {
    const state = this.st.pop('BUILD');
    const target = this.st.top('BUILD');
    if (target instanceof Dtype) {
      buildDtype(target, state, this.budget);
      return;
    }
    if (!(target instanceof PyObject)) throw new PickleFormatError(`BUILD on ${typeName(target)}`);
    if (target.state !== undefined || this.resolved.has(target)) {
      throw new PickleFormatError(`BUILD applied twice to ${target.cls.qualified}`);
    }
    let array: NdArray | null = null;
    if (target.cls.role === 'reconstruct') array = buildReconstructed(state, this.budget);
    else if (target.cls.qualified === WRAPPER) array = this.wrapper(state);
    if (array === null) {
      target.state = state;
      return;
    }
    this.resolved.set(target, array);
    this.st.stack[this.st.stack.length - 1] = array;
  }

  /** joblib's NumpyArrayWrapper: the array's bytes (or a nested object-array pickle) follow in the stream. */
  private wrapper(state: PyValue): NdArray {
    if (this.nesting > 0) {
      throw new UnsafePickleError('refused a joblib NumpyArrayWrapper inside a nested object-array pickle');
    }
    return readWrapperArray(this.r, state, this.budget, () => {
      if (this.nesting >= this.limits.maxNested) {
        throw new PickleLimitError(
          `object-array pickles nested deeper than ${this.limits.maxNested} at offset ${this.r.pos}`,
        );
      }
      return new PickleVm(this.r, this.limits, this.budget, this.nesting + 1).run();
    });
  }
}

/** bytearray(b'...') (protocols < 5 pickle a bytearray this way): the same bytes (nothing mutates them). */
function reduceBytearray(args: readonly PyValue[]): Uint8Array {
  const b = args[0];
  if (args.length === 0) return new Uint8Array(0);
  if (args.length !== 1 || !(b instanceof Uint8Array)) {
    throw new PickleFormatError(`bytearray needs one bytes argument, got ${args.map(typeName).join(', ')}`);
  }
  return b;
}

/** OrderedDict() or defaultdict(factory): an empty dict that SETITEMS fills; the factory is never called. */
function reduceDict(fn: PyGlobal, args: readonly PyValue[]): Map<PyKey, PyValue> {
  const ok =
    args.length === 0 ||
    (fn.name === 'defaultdict' && args.length === 1 && (args[0] === null || args[0] instanceof PyGlobal));
  if (!ok) throw new PickleFormatError(`${fn.qualified} with arguments ${args.map(typeName).join(', ')}`);
  return new Map();
}

function describe(v: PyValue): string {
  return v instanceof PyGlobal ? v.qualified : typeName(v);
}

/**
 * Unpickles a whole (decompressed) joblib or pickle byte stream into inert values. `budget` defaults
 * to the limits for an input of this size; a reader of a compressed file passes the one it scaled to
 * the stored size. Every error is typed (a SklearnError) and names the offset it happened at.
 */
export function unpickle(
  bytes: Uint8Array,
  limits: PickleLimits = DEFAULT_LIMITS,
  budget: Budget = pickleBudget(bytes.length),
): PyValue {
  const r = new ByteReader(bytes);
  if (bytes.length < 2 || bytes[0] !== OP.PROTO) {
    throw new PickleFormatError(
      `not a pickle: expected the PROTO opcode 0x80 at offset 0, found ${bytes.length === 0 ? 'an empty file' : `0x${(bytes[0] ?? 0).toString(16)}`}`,
    );
  }
  budget.where = () => `offset ${r.pos}`;
  try {
    return new PickleVm(r, limits, budget).run();
  } catch (error) {
    throw atOffset(error, r.pos);
  }
}

/** The budget of a pickle reader: exceeding it throws a PickleLimitError naming the offset. */
export function pickleBudget(
  storedBytes: number,
  overrides: Parameters<typeof budgetLimitsFor>[1] = {},
): Budget {
  return new Budget(budgetLimitsFor(storedBytes, overrides), () => 'an unknown offset', PickleLimitError);
}

/**
 * Gives every error the offset it happened at: a typed error without one gets it appended (same class),
 * anything untyped (a RangeError from a case the checks missed) becomes a PickleFormatError.
 */
function atOffset(error: unknown, offset: number): Error {
  if (error instanceof SklearnError) {
    if (/offset \d+/.test(error.message)) return error;
    const Ctor = error.constructor as new (m: string, o: object) => LambdaMlError;
    return new Ctor(`${error.message} (at offset ${offset})`, {
      cause: error,
      context: { ...error.context, offset },
    });
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new PickleFormatError(`the pickle could not be read at offset ${offset}: ${message}`, {
    cause: error,
    context: { offset },
  });
}
