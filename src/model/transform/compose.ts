// ColumnTransformer (each part takes its columns, outputs are concatenated in `transformers_` order) and a
// Pipeline of transforms (each step's output feeds the next), plus the one dispatch from node kind to transform.
import { ArtifactError } from '../errors.js';
import type { FeatureValue } from '../types.js';
import { oneHotEncoder, ordinalEncoder } from './encoders.js';
import { asNode, NodeFields } from './fields.js';
import { simpleImputer } from './imputer.js';
import { maxAbsScaler, minMaxScaler, robustScaler, standardScaler } from './scalers.js';
import { type ColumnNeed, IGNORED_NEED, mergeNeeds, type Transform, type TransformNode } from './types.js';

type TransformFactory = (node: TransformNode, where: string) => Transform;

/** Every transform kind an artifact may hold (scikit-learn class names). */
export const TRANSFORMS: Readonly<Record<string, TransformFactory>> = {
  StandardScaler: standardScaler,
  MinMaxScaler: minMaxScaler,
  MaxAbsScaler: maxAbsScaler,
  RobustScaler: robustScaler,
  OneHotEncoder: oneHotEncoder,
  OrdinalEncoder: ordinalEncoder,
  SimpleImputer: simpleImputer,
  ColumnTransformer: columnTransformer,
  Pipeline: transformPipeline,
};

export function isTransformKind(kind: unknown): boolean {
  return typeof kind === 'string' && Object.hasOwn(TRANSFORMS, kind);
}

/** Builds the transform a node describes; an unknown kind or bad field is an ArtifactError naming the node. */
export function createTransform(raw: unknown, where: string): Transform {
  const node = asNode(raw, where) as TransformNode;
  const make = Object.hasOwn(TRANSFORMS, node.kind) ? TRANSFORMS[node.kind] : undefined;
  if (make === undefined) {
    throw new ArtifactError(
      `invalid model artifact: ${where} has unknown transform kind ${JSON.stringify(node.kind)}; known: ${Object.keys(TRANSFORMS).join(', ')}`,
    );
  }
  return make(node, `${where}(${node.kind})`);
}

interface Part {
  readonly columns: readonly number[];
  /** null = passthrough. */
  readonly transform: Transform | null;
  readonly width: number;
}

function columnTransformer(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const nIn = f.int('nFeatures', 1);
  const parts: Part[] = f.list('parts').map((raw, i) => {
    const p = new NodeFields((raw ?? {}) as Record<string, unknown>, `${where}.parts[${i}]`);
    const columns = p.ints('columns', 0, nIn);
    if (columns.length === 0) p.fail('columns', 'at least one column (empty selections are left out)');
    const t = p.node.transformer;
    if (t === 'passthrough') return { columns, transform: null, width: columns.length };
    const transform = createTransform(t, `${p.where}.transformer`);
    if (transform.nIn !== columns.length) p.fail('columns', `${transform.nIn} columns for its transformer`);
    return { columns, transform, width: transform.nOut };
  });
  const nOut = parts.reduce((s, p) => s + p.width, 0);
  return {
    nIn,
    nOut,
    apply(row) {
      const out: FeatureValue[] = [];
      for (const p of parts) {
        const cols = p.columns.map((c) => row[c] as FeatureValue);
        const values = p.transform === null ? cols : p.transform.apply(cols);
        for (const v of values) out.push(v);
      }
      return out;
    },
    inputNeeds(out) {
      const needs: (ColumnNeed | undefined)[] = new Array(nIn);
      let o = 0;
      for (const p of parts) {
        const slice = out.slice(o, o + p.width);
        o += p.width;
        const partNeeds = p.transform === null ? slice : p.transform.inputNeeds(slice);
        p.columns.forEach((c, k) => {
          needs[c] = mergeNeeds(needs[c], partNeeds[k] as ColumnNeed);
        });
      }
      return Array.from(needs, (n) => n ?? IGNORED_NEED);
    },
  };
}

/** Steps in order; chains their needs backwards. */
export function chainTransforms(steps: readonly Transform[]): Transform {
  const first = steps[0];
  const last = steps[steps.length - 1];
  if (first === undefined || last === undefined)
    throw new ArtifactError('a pipeline needs at least one step');
  return {
    nIn: first.nIn,
    nOut: last.nOut,
    apply(row) {
      let r: readonly FeatureValue[] = row;
      for (const s of steps) r = s.apply(r);
      return r as FeatureValue[];
    },
    inputNeeds(out) {
      let needs: readonly ColumnNeed[] = out;
      for (let i = steps.length - 1; i >= 0; i--) needs = (steps[i] as Transform).inputNeeds(needs);
      return [...needs];
    },
  };
}

/** Builds the steps of a pipeline node and checks that each step's output width feeds the next. */
export function createSteps(nodes: readonly unknown[], where: string): Transform[] {
  const steps = nodes.map((s, i) => createTransform(s, `${where}.steps[${i}]`));
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i - 1] as Transform).nOut !== (steps[i] as Transform).nIn) {
      throw new ArtifactError(
        `invalid model artifact: ${where}.steps[${i}] takes ${(steps[i] as Transform).nIn} columns, the step before gives ${(steps[i - 1] as Transform).nOut}`,
      );
    }
  }
  return steps;
}

function transformPipeline(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  return chainTransforms(createSteps(f.list('steps'), where));
}
