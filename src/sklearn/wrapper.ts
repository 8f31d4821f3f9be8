// Reads the array that follows a joblib NumpyArrayWrapper in the stream (raw bytes or a nested pickle).
import type { Budget } from '../core/budget.js';
import type { ByteReader } from './byte-reader.js';
import { PickleFormatError } from './errors.js';
import { arrayFromBytes, asDtype, checkedShape, checkWrapperSubclass } from './numpy-decode.js';
import { NdArray, type PyValue, typeName } from './values.js';

/**
 * joblib writes the wrapper's state dict {subclass, shape, order, dtype, allow_mmap,
 * numpy_array_alignment_bytes}, then (for non-object dtypes) a pad byte + padding and the raw bytes,
 * or (for object dtypes) a complete protocol-2 pickle of the array, read by `nested`.
 */
export function readWrapperArray(
  r: ByteReader,
  state: PyValue,
  budget: Budget,
  nested: () => PyValue,
): NdArray {
  if (!(state instanceof Map))
    throw new PickleFormatError(`NumpyArrayWrapper state is ${typeName(state)}, expected a dict`);
  checkWrapperSubclass(state.get('subclass'));
  const { shape, size } = checkedShape(state.get('shape'), budget);
  const dtype = asDtype(state.get('dtype'), 'NumpyArrayWrapper');
  const order = state.get('order');
  if (order !== 'C' && order !== 'F')
    throw new PickleFormatError(`NumpyArrayWrapper order is ${String(order)}`);
  if (dtype.kind === 'O') return nestedObjectArray(nested(), shape);
  const alignment = state.get('numpy_array_alignment_bytes');
  if (alignment !== undefined && alignment !== null) {
    const pad = r.u8('the array padding byte');
    if (pad < 1 || pad > 16 || (typeof alignment === 'number' && pad > alignment)) {
      throw new PickleFormatError(`array padding byte is ${pad} at offset ${r.pos - 1}, expected 1 to 16`);
    }
    r.take(pad, 'array padding');
  }
  const raw = r.take(size * dtype.itemsize, `array of shape (${shape.join(', ')}) and dtype '${dtype.code}'`);
  return arrayFromBytes(dtype, shape, size, raw, order === 'F', budget);
}

function nestedObjectArray(v: PyValue, shape: readonly number[]): NdArray {
  if (!(v instanceof NdArray) || v.objects === null) {
    throw new PickleFormatError(
      `nested object-array pickle produced ${typeName(v)}, expected an object array`,
    );
  }
  if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
    throw new PickleFormatError(
      `nested object array has shape (${v.shape.join(', ')}), expected (${shape.join(', ')})`,
    );
  }
  return v;
}
