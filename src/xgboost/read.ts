// Reads XGBoost model bytes (save_model JSON or UBJSON, or the UBJSON serialisation a pickled
// booster holds) into lambda-ml's XGBoost model.
import type { ClassLabel } from '../model/types.js';
import { type DocObject, fail, has, isObject } from './doc.js';
import { DEFAULT_DOC_LIMITS, type DocLimits, parseModelJson } from './json-text.js';
import { readXGBoostDocument, type WrapperInfo, type XGBoostModel } from './read-model.js';
import { parseUbjson } from './ubjson.js';

export type XGBoostEncoding = 'json' | 'ubjson';

/**
 * The scikit-learn wrapper's parameters that `XGBModel.save_model` stores in the `scikit_learn`
 * attribute: the estimator type, classes_ and the `missing` value.
 */
function wrapperFromAttribute(attributes: DocObject, limits: DocLimits): WrapperInfo | null {
  const text = has(attributes, 'scikit_learn') ? attributes.scikit_learn : undefined;
  if (typeof text !== 'string') return null;
  const meta = parseModelJson(Buffer.from(text, 'utf8'), limits);
  if (!isObject(meta)) return fail('learner.attributes.scikit_learn', 'is not a JSON object');
  const type = meta._estimator_type;
  if (type !== 'classifier' && type !== 'regressor') return null;
  const classes = Array.isArray(meta.classes_) ? (meta.classes_ as ClassLabel[]) : null;
  const missing = typeof meta.missing === 'number' ? meta.missing : Number.NaN; // NaN is written bare
  return { estimatorType: type, classes, missing, featureNames: null };
}

/** A parsed document: save_model's {learner, version}, or a serialised booster's {Config, Model}. */
export function modelSection(doc: unknown): unknown {
  if (isObject(doc) && has(doc, 'Model') && !has(doc, 'learner')) return doc.Model;
  return doc;
}

export function readXGBoostBytes(
  bytes: Uint8Array,
  encoding: XGBoostEncoding,
  wrapper: WrapperInfo | null = null,
  limits: DocLimits = DEFAULT_DOC_LIMITS,
): XGBoostModel {
  const doc = encoding === 'json' ? parseModelJson(bytes, limits) : parseUbjson(bytes, limits);
  return readXGBoostDocument(modelSection(doc), wrapper, (a) => wrapperFromAttribute(a, limits));
}
