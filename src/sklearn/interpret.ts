// Turns the unpickled root object of a file into a lambda-ml model description: its estimator node, the
// input column names it was fitted with, and the scikit-learn version that wrote it.
import { glibcLog } from '../model/glibc-log.js';
import type { EstimatorNode } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { pipelineNames } from './read-compose.js';
import type { ReadContext } from './read-context.js';
import { readEstimator } from './read-estimator.js';
import { ESTIMATOR_CLASSES, supportedClasses } from './sklearn-classes.js';
import { EstimatorState, featureNames } from './state.js';
import { PyObject, type PyValue, typeName } from './values.js';

/** A model read from a scikit-learn file, before it is wrapped in an artifact. */
export interface SklearnModel {
  readonly node: EstimatorNode;
  /** `feature_names_in_` (of the first step, for a pipeline): rows may then be objects by name. */
  readonly featureNames: string[] | null;
  readonly sklearnVersion: string;
}

/** scikit-learn versions whose pickled layouts this reader knows, and the ones checked against real files. */
export const SUPPORTED_VERSIONS = {
  min: [0, 22],
  max: [1, 9],
  verified: ['1.2.1', '1.6.1', '1.9.1'],
} as const;

export interface InterpretOptions {
  /** The natural log for GradientBoosting's prior; default glibc 2.36's (what numpy calls), so raw scores match. */
  readonly log?: (x: number) => number;
}

function checkVersion(v: string | null, name: string): [number, number] {
  const m = v === null ? null : /^(\d+)\.(\d+)/.exec(v);
  const supported = `lambda-ml reads files written by scikit-learn ${SUPPORTED_VERSIONS.min.join('.')} to ${SUPPORTED_VERSIONS.max.join('.')}.x (verified with ${SUPPORTED_VERSIONS.verified.join(', ')})`;
  if (v === null || m === null)
    throw new UnsupportedModelError(`${name} has no scikit-learn version stamp; ${supported}`);
  const ver: [number, number] = [Number(m[1]), Number(m[2])];
  const cmp = (a: readonly number[], b: readonly number[]) =>
    (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0);
  if (cmp(ver, SUPPORTED_VERSIONS.min) < 0 || cmp(ver, SUPPORTED_VERSIONS.max) > 0) {
    throw new UnsupportedModelError(`${name} was saved by scikit-learn ${v}; ${supported}`, {
      context: { sklearnVersion: v },
    });
  }
  return ver;
}

function rootNames(root: PyObject, path: string): string[] | null {
  if (root.cls.name === 'Pipeline') return pipelineNames(root, path);
  const names = new EstimatorState(root, path).opt('feature_names_in_');
  return names === undefined || names === null ? null : featureNames(names, `${path}.feature_names_in_`);
}

/** Reads the root object of a joblib/pickle file as one of the supported estimators. */
export function interpretEstimator(root: PyValue, options: InterpretOptions = {}): SklearnModel {
  if (!(root instanceof PyObject) || ESTIMATOR_CLASSES[root.cls.qualified] === undefined) {
    const what = root instanceof PyObject ? root.cls.qualified : typeName(root);
    throw new UnsupportedModelError(
      `the file holds ${what}, not a supported estimator; lambda-ml reads ${supportedClasses()}`,
    );
  }
  const name = root.cls.name;
  const sklearnVersion = new EstimatorState(root, name).sklearnVersion();
  const version = checkVersion(sklearnVersion, root.cls.qualified);
  const ctx: ReadContext = { version, log: options.log ?? glibcLog };
  const node = readEstimator(root, name, ctx);
  const names = rootNames(root, name);
  if (names !== null && names.length !== node.nFeatures)
    throw new UnsupportedModelError(
      `${name} has ${names.length} feature names for ${node.nFeatures} features`,
    );
  return { node, featureNames: names, sklearnVersion: sklearnVersion as string };
}
