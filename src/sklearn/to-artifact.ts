// Wraps a model read from a scikit-learn file in lambda-ml's versioned artifact envelope.
import { GENERATED_BY } from '../core/version.js';
import { FORMAT_VERSION } from '../model/artifact.js';
import { ARTIFACT_FORMAT, type ModelArtifact } from '../model/types.js';
import type { SklearnModel } from './interpret.js';

export interface SourceFile {
  /** The file name as given (recorded in provenance). */
  readonly file: string;
  /** sha256 (hex) of the file's bytes as stored (compressed or not). */
  readonly sha256: string;
}

export function toArtifact(model: SklearnModel, source: SourceFile): ModelArtifact {
  const estimator = 'trees' in model ? { trees: model.trees } : model.estimator;
  return {
    format: ARTIFACT_FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: model.kind,
    generatedBy: GENERATED_BY,
    provenance: {
      source: 'sklearn',
      file: source.file,
      sha256: source.sha256,
      sklearnVersion: model.sklearnVersion,
    },
    dataSha256: null,
    nFeatures: model.nFeatures,
    classes: model.classes,
    estimator,
  };
}
