// A parsed XGBoost model document (save_model JSON/UBJSON, or the booster inside a pickled wrapper)
// -> lambda-ml's XGBoost model: learner parameters, objective, base_score, trees, best_iteration.
import type { DartPath, XGBoostEstimator } from '../model/boosted/xgboost-model.js';
import {
  isClassification,
  isXGBoostObjective,
  XGBOOST_OBJECTIVES,
  type XGBoostObjective,
} from '../model/boosted/xgboost-objectives.js';
import type { ClassLabel } from '../model/types.js';
import { readBaseScore } from './base-score.js';
import { type DocObject, fail, has, intField, isObject, list, obj, str } from './doc.js';
import { UnsupportedXGBoostModelError } from './errors.js';
import { readBooster } from './read-trees.js';

/** What the scikit-learn wrapper adds (from a pickle's state or the `scikit_learn` attribute). */
export interface WrapperInfo {
  readonly estimatorType: 'classifier' | 'regressor';
  readonly classes: readonly ClassLabel[] | null;
  readonly missing: number;
  readonly featureNames: readonly string[] | null;
}

export interface XGBoostModel {
  readonly kind: 'XGBClassifier' | 'XGBRegressor';
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: XGBoostEstimator;
  /** True when the file came from the scikit-learn wrapper (its predict rules apply). */
  readonly sklearnWrapper: boolean;
}

/** XGBoost versions whose files this reader knows; verified against 1.7.4. */
export const XGBOOST_VERSIONS = { min: 1, max: 3, verified: '1.7.4' } as const;

function readVersion(doc: DocObject): number[] {
  const v = has(doc, 'version') ? Array.from(doc.version as ArrayLike<unknown>) : null;
  if (v === null || v.length < 1 || !v.every((x) => Number.isInteger(x))) {
    return fail('version', 'is missing; expected [major, minor, patch] as XGBoost 1.0+ writes it');
  }
  const major = v[0] as number;
  if (major < XGBOOST_VERSIONS.min || major > XGBOOST_VERSIONS.max) {
    throw new UnsupportedXGBoostModelError(
      `the model was saved by XGBoost ${v.join('.')}; lambda-ml reads XGBoost ${XGBOOST_VERSIONS.min}.x to ${XGBOOST_VERSIONS.max}.x JSON/UBJSON models (verified with ${XGBOOST_VERSIONS.verified})`,
      { context: { version: v.join('.') } },
    );
  }
  return v as number[];
}

function readObjective(learner: DocObject): XGBoostObjective {
  const name = str(obj(learner, 'objective', 'learner'), 'name', 'learner.objective');
  if (!isXGBoostObjective(name)) {
    throw new UnsupportedXGBoostModelError(
      `XGBoost objective "${name}" is not supported; lambda-ml serves ${XGBOOST_OBJECTIVES.join(', ')}`,
      { context: { objective: name } },
    );
  }
  return name;
}

function stringList(learner: DocObject, key: string, n: number): string[] | null {
  if (!has(learner, key)) return null;
  const v = list(learner, key, 'learner');
  if (v.length === 0) return null;
  if (v.length !== n || !v.every((s) => typeof s === 'string'))
    fail(`learner.${key}`, `has ${v.length} entries; expected ${n} strings (one per feature)`);
  return v as string[];
}

function bestIteration(attributes: DocObject | null): number | null {
  const v = attributes && has(attributes, 'best_iteration') ? attributes.best_iteration : undefined;
  if (v === undefined) return null;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    fail('learner.attributes.best_iteration', `is ${JSON.stringify(v)}; expected an integer >= 0`);
  return n;
}

function modelKind(objective: XGBoostObjective, wrapper: WrapperInfo | null): XGBoostModel['kind'] {
  const classifier = wrapper ? wrapper.estimatorType === 'classifier' : isClassification(objective);
  if (classifier && !isClassification(objective)) {
    throw new UnsupportedXGBoostModelError(
      `an XGBClassifier with the regression objective ${objective} is not supported`,
    );
  }
  return classifier ? 'XGBClassifier' : 'XGBRegressor';
}

/**
 * Reads a save_model document ({learner, version}). `wrapper` is the scikit-learn wrapper's state when
 * the booster came from a pickle; without it, the `scikit_learn` attribute (written by the wrapper's
 * save_model) is used when present. A wrapper stops at best_iteration, as XGBClassifier.predict does;
 * a bare Booster uses every tree, as Booster.predict does.
 */
export function readXGBoostDocument(
  doc: unknown,
  wrapper: WrapperInfo | null,
  attributeWrapper: (attributes: DocObject) => WrapperInfo | null,
): XGBoostModel {
  if (!isObject(doc)) return fail('the document', 'is not an object');
  const version = readVersion(doc);
  const learner = obj(doc, 'learner', '');
  const attributes = has(learner, 'attributes') ? obj(learner, 'attributes', 'learner') : null;
  const info = wrapper ?? (attributes ? attributeWrapper(attributes) : null);
  const mparam = obj(learner, 'learner_model_param', 'learner');
  const nFeatures = intField(mparam, 'num_feature', 'learner.learner_model_param', 1);
  const numClass = intField(mparam, 'num_class', 'learner.learner_model_param');
  if (has(mparam, 'num_target') && intField(mparam, 'num_target', 'learner.learner_model_param') > 1) {
    throw new UnsupportedXGBoostModelError(
      'multi-target XGBoost models (num_target > 1) are not supported; lambda-ml serves one target',
    );
  }
  const objective = readObjective(learner);
  const multi = objective.startsWith('multi:');
  if (multi !== numClass > 1)
    fail('learner.learner_model_param.num_class', `is ${numClass} for ${objective}`);
  const nGroups = multi ? numClass : 1;
  const baseScore = readBaseScore(str(mparam, 'base_score', 'learner.learner_model_param'), nGroups);
  const b = readBooster(
    obj(learner, 'gradient_booster', 'learner'),
    'learner.gradient_booster',
    nFeatures,
    nGroups,
  );
  const best = bestIteration(attributes);
  let nTreesUsed = b.trees.length;
  if (info !== null && best !== null) nTreesUsed = Math.min(nTreesUsed, (best + 1) * b.treesPerRound);
  const kind = modelKind(objective, info);
  const classes = kind === 'XGBClassifier' ? classLabels(info, nGroups, objective) : null;
  const dartPath: DartPath = info === null ? 'dmatrix' : 'inplace';
  const estimator: XGBoostEstimator = {
    version,
    objective,
    booster: b.booster,
    nGroups,
    baseScore,
    trees: b.trees,
    treeGroup: b.treeGroup,
    treeWeight: b.treeWeight,
    dartPath,
    nTreesUsed,
    bestIteration: best,
    missing: info === null || Number.isNaN(info.missing) ? null : info.missing,
    featureNames: stringList(learner, 'feature_names', nFeatures) ?? info?.featureNames ?? null,
    featureTypes: stringList(learner, 'feature_types', nFeatures),
  };
  return { kind, nFeatures, classes, estimator, sklearnWrapper: info !== null };
}

function classLabels(info: WrapperInfo | null, nGroups: number, objective: XGBoostObjective): ClassLabel[] {
  const n = objective.startsWith('multi:') ? nGroups : 2;
  const classes = info?.classes ?? Array.from({ length: n }, (_, i) => i);
  if (classes.length !== n)
    fail(
      'classes_',
      `has ${classes.length} labels; objective ${objective} with ${nGroups} group(s) needs ${n}`,
    );
  return [...classes];
}
