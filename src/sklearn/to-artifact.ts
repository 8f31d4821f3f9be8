// Wraps a model read from a scikit-learn file in the native artifact envelope (formatVersion 2: any kind of
// the kind table, with the input columns' names).
import { GENERATED_BY } from '../core/version.js';
import { FORMAT_VERSION_2 } from '../model/artifact.js';
import { ARTIFACT_FORMAT, type ModelArtifact } from '../model/types.js';
import type { SklearnModel } from './interpret.js';

export interface SourceFile {
  /** The file name as given (recorded in provenance). */
  readonly file: string;
  /** sha256 (hex) of the file's bytes as stored (compressed or not). */
  readonly sha256: string;
}

export function toArtifact(model: SklearnModel, source: SourceFile): ModelArtifact {
  const { node } = model;
  return {
    format: ARTIFACT_FORMAT,
    formatVersion: FORMAT_VERSION_2,
    kind: node.kind,
    generatedBy: GENERATED_BY,
    provenance: {
      source: 'sklearn',
      file: source.file,
      sha256: source.sha256,
      sklearnVersion: model.sklearnVersion,
    },
    dataSha256: null,
    nFeatures: node.nFeatures,
    featureNames: model.featureNames,
    classes: node.classes,
    estimator: node.estimator,
  };
}
