// Keeps a trained artifact in step with its training config: reuse it when it was trained from the same
// config by this version of lambda-ml, otherwise (missing, damaged, other config) train and write it anew.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENERATED_BY } from '../core/version.js';
import { parseArtifactBytes } from '../model/artifact.js';
import { encodingFor, writeArtifact } from './artifact-file.js';

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
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(modelPath);
  } catch {
    return 'no model yet';
  }
  try {
    const artifact = parseArtifactBytes(bytes);
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
  const artifact = trainFromConfig(config, { baseDir });
  mkdirSync(dirname(modelPath), { recursive: true });
  const sha = writeArtifact(modelPath, artifact, encodingFor(modelPath, undefined));
  const ms = (performance.now() - started).toFixed(0);
  return `${reason}: trained ${modelPath} in ${ms} ms (sha256 ${sha})`;
}
