// The MODEL_SHA256 pin the app gives the function: the sha256 of the model the image build trains (the
// checked-in config, trained here exactly as `lambda-ml train` writes it, the same bytes on any machine).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeArtifact } from '../../src/model/artifact.js';
import { trainFromConfig } from '../../src/model/train.js';
import { REPO_ROOT } from './model-function.js';
import { InfraOptionError } from './options.js';

/** The config container/Dockerfile trains by default (its TRAINING_CONFIG build arg). */
export const DEFAULT_TRAINING_CONFIG = join(REPO_ROOT, 'config', 'default-training.json');

/** sha256 (hex) of the artifact `config` trains to. */
export function trainedModelSha256(configPath = DEFAULT_TRAINING_CONFIG): string {
  const text = serializeArtifact(trainFromConfig(JSON.parse(readFileSync(configPath, 'utf8'))));
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The pin from the `modelSha256` context value: a digest as given, `off` for none (an image whose model
 * is not the trained one), or, when absent, the digest of the model the image build will train.
 */
export function modelPinFromContext(raw: unknown, train = trainedModelSha256): string | undefined {
  if (raw === undefined || raw === null || raw === '') return train();
  const text = String(raw).trim().toLowerCase();
  if (text === 'off') return undefined;
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new InfraOptionError(
      `modelSha256 (context key 'modelSha256') must be a sha256 (64 hex digits) or off, got '${String(raw)}'`,
      { context: { option: 'modelSha256', key: 'modelSha256' } },
    );
  }
  return text;
}
