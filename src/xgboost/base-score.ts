// learner_model_param.base_score: a float as a string ("5E-1", XGBoost 1.x-3.0) or, from 3.1, a
// JSON array of per-output intercepts ("[5E-1]", "[1E-1,2E-1,7E-1]").
import { fail } from './doc.js';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** One float32 base_score per output group (a single value is broadcast, as XGBoost 3.1 does). */
export function readBaseScore(text: string, nGroups: number): number[] {
  const path = 'learner.learner_model_param.base_score';
  let body = text.trim();
  const bracketed = /^[[(](.*)[\])]$/.exec(body);
  if (bracketed) body = bracketed[1] as string;
  const parts = body.split(',').map((s) => s.trim());
  if (!parts.every((p) => NUMBER.test(p)))
    fail(path, `is ${JSON.stringify(text)}; expected a number or a list of numbers`);
  const values = parts.map((p) => Math.fround(Number(p)));
  if (!values.every(Number.isFinite)) fail(path, `is ${JSON.stringify(text)}; expected finite values`);
  if (values.length === 1) return new Array<number>(nGroups).fill(values[0] as number);
  if (values.length !== nGroups)
    fail(path, `has ${values.length} values; the model has ${nGroups} output group(s)`);
  return values;
}
