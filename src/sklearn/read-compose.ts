// Reads Pipeline and ColumnTransformer: steps in order ('passthrough' / None left out), columns resolved to
// input indices from every form scikit-learn stores (names, indices, masks, slices, remainder lists).
import type { TransformNode } from '../model/transform/types.js';
import type { EstimatorNode } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import type { ReadContext } from './read-context.js';
import { readEstimator } from './read-estimator.js';
import { readLeafTransform, type TransformRead } from './read-transforms.js';
import { ESTIMATOR_CLASSES, supportedClasses, TRANSFORM_CLASSES } from './sklearn-classes.js';
import { EstimatorState, featureNames, values } from './state.js';
import { NdArray, PyObject, PyTuple, type PyValue, typeName } from './values.js';

/** A step that is skipped: scikit-learn's 'passthrough' or None. */
function skipped(v: PyValue): boolean {
  return v === null || v === 'passthrough';
}

/** Any transform record: Pipeline of transforms, ColumnTransformer, or a leaf step. */
export function readTransform(obj: PyValue, path: string, sparse: boolean, ctx: ReadContext): TransformRead {
  if (!(obj instanceof PyObject)) {
    throw new UnsupportedModelError(`${path} is ${typeName(obj)}, expected a preprocessing step`);
  }
  const q = obj.cls.qualified;
  if (q === 'sklearn.pipeline.Pipeline') {
    const steps = pipelineSteps(new EstimatorState(obj, path));
    return chain(
      steps.map(([name, est]) => [`${path}[${name}]`, est] as const),
      sparse,
      ctx,
      path,
    );
  }
  if (TRANSFORM_CLASSES[q] === 'ColumnTransformer') return readColumnTransformer(obj, path, ctx);
  if (TRANSFORM_CLASSES[q] !== undefined) return readLeafTransform(obj, path, sparse);
  const role =
    ESTIMATOR_CLASSES[q] !== undefined ? 'an estimator, not a preprocessing step' : 'not supported';
  throw new UnsupportedModelError(`${path} is ${q}: ${role}; lambda-ml reads ${supportedClasses()}`);
}

/** Transforms in order; widths must chain. An empty chain is the identity. */
function chain(
  steps: ReadonlyArray<readonly [string, PyValue]>,
  sparseIn: boolean,
  ctx: ReadContext,
  path: string,
): TransformRead {
  const nodes: TransformNode[] = [];
  let sparse = sparseIn;
  let nIn = -1;
  let nOut = -1;
  for (const [where, est] of steps) {
    const t = readTransform(est, where, sparse, ctx);
    if (nOut >= 0 && t.nIn >= 0 && t.nIn !== nOut)
      throw new UnsupportedModelError(`${where} takes ${t.nIn} columns, the step before gives ${nOut}`);
    if (nIn < 0) nIn = t.nIn;
    nOut = t.nOut < 0 ? nOut : t.nOut;
    sparse = t.sparse;
    if (t.node !== null) nodes.push(t.node);
  }
  const node =
    nodes.length === 0
      ? null
      : nodes.length === 1
        ? (nodes[0] as TransformNode)
        : { kind: 'Pipeline', steps: nodes };
  if (nIn < 0 && nodes.length > 0)
    throw new UnsupportedModelError(`${path}: cannot tell how many columns it takes`);
  return { node, nIn, nOut, sparse };
}

/** `steps` as (name, estimator) pairs without the skipped ones. */
function pipelineSteps(s: EstimatorState): Array<[string, PyValue]> {
  return s.list('steps').flatMap((step, i) => {
    if (!(step instanceof PyTuple) || step.items.length !== 2)
      throw new UnsupportedModelError(
        `${s.path}.steps[${i}] is ${typeName(step)}, expected a (name, estimator) tuple`,
      );
    const [name, est] = step.items;
    return skipped(est) ? [] : [[String(name), est] as [string, PyValue]];
  });
}

/** The first step's `feature_names_in_` (a Pipeline's own names), or null. */
export function pipelineNames(obj: PyObject, path: string): string[] | null {
  let cur: PyObject = obj;
  for (;;) {
    const s = new EstimatorState(cur, path);
    if (cur.cls.qualified !== 'sklearn.pipeline.Pipeline') {
      const names = s.opt('feature_names_in_');
      return names === undefined || names === null ? null : featureNames(names, `${path}.feature_names_in_`);
    }
    const first = pipelineSteps(s)[0]?.[1];
    if (!(first instanceof PyObject)) return null;
    cur = first;
  }
}

/** A Pipeline ending in an estimator: its transforms and the estimator node. */
export function readPipeline(obj: PyObject, path: string, ctx: ReadContext): EstimatorNode {
  const s = new EstimatorState(obj, path);
  const steps = pipelineSteps(s);
  const last = steps[steps.length - 1];
  if (
    last === undefined ||
    !(last[1] instanceof PyObject) ||
    ESTIMATOR_CLASSES[last[1].cls.qualified] === undefined
  ) {
    const what =
      last === undefined
        ? 'nothing'
        : last[1] instanceof PyObject
          ? last[1].cls.qualified
          : typeName(last[1]);
    throw new UnsupportedModelError(
      `${path} ends in ${what}, not an estimator: it has nothing to predict with`,
    );
  }
  const pre = chain(
    steps.slice(0, -1).map(([name, est]) => [`${path}[${name}]`, est] as const),
    false,
    ctx,
    path,
  );
  const final = readEstimator(last[1], `${path}[${last[0]}]`, ctx);
  if (pre.node === null) return final;
  if (pre.nOut !== final.nFeatures)
    throw new UnsupportedModelError(
      `${path}: the steps give ${pre.nOut} columns, ${final.kind} takes ${final.nFeatures}`,
    );
  return {
    kind: 'Pipeline',
    nFeatures: pre.nIn,
    classes: final.classes,
    estimator: { steps: pre.node.kind === 'Pipeline' ? pre.node.steps : [pre.node], final },
  };
}

/** Python's range(start, stop, step) over [0, n), with slice's clamping of negative and large bounds. */
function sliceIndices(start: PyValue, stop: PyValue, step: PyValue, n: number): number[] {
  const st = step === null || step === undefined ? 1 : Number(step);
  const norm = (v: PyValue, dflt: number) => {
    if (v === null || v === undefined) return dflt;
    const i = Number(v);
    return i < 0 ? Math.max(i + n, st < 0 ? -1 : 0) : Math.min(i, st < 0 ? n - 1 : n);
  };
  const out: number[] = [];
  if (st > 0) for (let i = norm(start, 0); i < norm(stop, n); i += st) out.push(i);
  else for (let i = norm(start, n - 1); i > norm(stop, -1); i += st) out.push(i);
  return out;
}

/** ColumnTransformer columns (as stored in `transformers_`) to input indices. */
export function resolveColumns(
  v: PyValue,
  n: number,
  names: readonly string[] | null,
  where: string,
): number[] {
  const byName = (name: string): number => {
    const i = names?.indexOf(name) ?? -1;
    if (i < 0)
      throw new UnsupportedModelError(
        `${where} names column ${JSON.stringify(name)}, which the input does not have`,
      );
    return i;
  };
  const byIndex = (i: number): number => {
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n)
      throw new UnsupportedModelError(`${where} has column ${i} out of range`);
    return j;
  };
  if (typeof v === 'string') return [byName(v)];
  if (typeof v === 'number' || typeof v === 'bigint') return [byIndex(Number(v))];
  if (v instanceof PyObject && v.cls.qualified === 'builtins.slice') {
    const [start, stop, step] = v.args;
    if (typeof start === 'string' || typeof stop === 'string') {
      // Label slices include their end, as pandas' .loc does.
      const a = start === null ? 0 : byName(String(start));
      const b = stop === null ? n - 1 : byName(String(stop));
      return Array.from({ length: Math.max(0, b - a + 1) }, (_, k) => a + k);
    }
    return sliceIndices(start, stop, step, n);
  }
  if (v instanceof PyObject && v.cls.name === '_RemainderColsList') {
    const data = v.state instanceof Map ? v.state.get('data') : undefined;
    return resolveColumns(data, n, names, where);
  }
  const items: PyValue[] | null =
    v instanceof NdArray
      ? v.dtype.kind === 'b'
        ? values(v, where).map((x) => x === 1)
        : [...(v.objects ?? values(v, where))]
      : Array.isArray(v)
        ? v
        : v instanceof PyTuple
          ? [...v.items]
          : null;
  if (items === null)
    throw new UnsupportedModelError(`${where} is ${typeName(v)}, not a column selection lambda-ml reads`);
  if (items.length > 0 && items.every((x) => typeof x === 'boolean')) {
    if (items.length !== n)
      throw new UnsupportedModelError(`${where} is a mask of ${items.length} for ${n} columns`);
    return items.flatMap((x, i) => (x ? [i] : []));
  }
  return items.map((x) => {
    if (typeof x === 'string') return byName(x);
    if (typeof x === 'number' || typeof x === 'bigint') return byIndex(Number(x));
    throw new UnsupportedModelError(`${where} holds ${typeName(x)}, expected column names or indices`);
  });
}

function readColumnTransformer(obj: PyObject, path: string, ctx: ReadContext): TransformRead {
  const s = new EstimatorState(obj, path);
  const n = s.int('n_features_in_');
  const rawNames = s.opt('feature_names_in_');
  const names =
    rawNames === undefined || rawNames === null ? null : featureNames(rawNames, `${path}.feature_names_in_`);
  if (s.opt('transformer_weights') !== null && s.opt('transformer_weights') !== undefined)
    s.fail('transformer_weights', 'None (weighted transformer outputs are not supported)');
  const parts: object[] = [];
  let nOut = 0;
  s.list('transformers_').forEach((t, i) => {
    if (!(t instanceof PyTuple) || t.items.length < 3)
      throw new UnsupportedModelError(
        `${path}.transformers_[${i}] is ${typeName(t)}, expected (name, transformer, columns)`,
      );
    const [name, trans, cols] = t.items;
    const where = `${path}[${String(name)}]`;
    if (trans === 'drop') return;
    const columns = resolveColumns(cols ?? null, n, names, `${where}.columns`);
    if (columns.length === 0) return;
    if (trans === 'passthrough') {
      parts.push({ columns, transformer: 'passthrough' });
      nOut += columns.length;
      return;
    }
    const read = readTransform(trans, where, false, ctx);
    if (read.nIn >= 0 && read.nIn !== columns.length)
      throw new UnsupportedModelError(
        `${where} was fitted on ${read.nIn} columns but is given ${columns.length}`,
      );
    parts.push({ columns, transformer: read.node ?? 'passthrough' });
    nOut += read.node === null ? columns.length : read.nOut;
  });
  return {
    node: { kind: 'ColumnTransformer', nFeatures: n, parts },
    nIn: n,
    nOut,
    sparse: s.opt('sparse_output_') === true,
  };
}
