// Keeps a trained artifact in step with its training config: reuse it when it was trained from the same
// config by this version of lambda-ml, otherwise (missing, damaged, other config) train and write it anew.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENERATED_BY } from '../core/version.js';
import { parseArtifact, serializeArtifact } from '../model/artifact.js';
import { writeFileAtomic } from './files.js';

/** JSON with object keys sorted, so two configs that differ only in key order compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Why an existing artifact cannot be reused, or null when it can. */
function staleReason(modelPath: string, config: unknown): string | null {
  let text: string;
  try {
    text = readFileSync(modelPath, 'utf8');
  } catch {
    return 'no model yet';
  }
  try {
    const artifact = parseArtifact(text);
    if (artifact.generatedBy !== GENERATED_BY) return `model was made by ${artifact.generatedBy}`;
    if (artifact.provenance.source !== 'train') return 'model was not trained from a config';
    if (canonicalJson(artifact.provenance.config) !== canonicalJson(config)) return 'training config changed';
    return null;
  } catch (error) {
    return `existing model is unusable (${(error as Error).message})`;
  }
}

/**
 * Makes sure `modelPath` holds the model `config` trains; returns a line saying what happened.
 * `baseDir` resolves relative CSV paths (the config file's directory).
 */
export async function ensureModel(config: unknown, baseDir: string, modelPath: string): Promise<string> {
  const reason = staleReason(modelPath, config);
  if (reason === null) return `model ${modelPath} is up to date`;
  const started = performance.now();
  // The trainer is loaded only when there is training to do: a warm `start` skips its modules.
  const { trainFromConfig } = await import('../model/train.js');
  const text = serializeArtifact(trainFromConfig(config, { baseDir }));
  mkdirSync(dirname(modelPath), { recursive: true });
  writeFileAtomic(modelPath, text);
  const sha = createHash('sha256').update(text, 'utf8').digest('hex');
  const ms = (performance.now() - started).toFixed(0);
  return `${reason}: trained ${modelPath} in ${ms} ms (sha256 ${sha})`;
}
