// Trains the model a config describes and returns its artifact (the `lambda-ml train` engine).
import { GENERATED_BY } from '../core/version.js';
import { FORMAT_VERSION } from './artifact.js';
import { fingerprint, loadDataset } from './dataset.js';
import { ModelConfigError } from './errors.js';
import { type Dataset, type FittedModel, fitEstimator } from './estimator.js';
import { fitEstimatorParallel, resolveJobs } from './parallel-fit.js';
import { parseModelSection, type TrainableKind } from './params.js';
import { ARTIFACT_FORMAT, type ModelArtifact } from './types.js';

export interface TrainOptions {
  /** Directory that relative CSV paths are resolved against (the config file's directory). */
  readonly baseDir?: string;
  readonly onTree?: (done: number, total: number) => void;
}

export interface ParallelTrainOptions extends TrainOptions {
  /** Worker threads for a forest's trees, read as scikit-learn's n_jobs; default: the config's n_jobs. */
  readonly jobs?: number;
}

/** Splits `{dataset, model}` and checks there is nothing else. */
export function splitConfig(config: unknown): { dataset: unknown; model: unknown } {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelConfigError('a training config must be a JSON object with keys "dataset" and "model"');
  }
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (k !== 'dataset' && k !== 'model') {
      throw new ModelConfigError(`unknown config key "${k}"; accepted: dataset, model`);
    }
  }
  if (c.dataset === undefined) throw new ModelConfigError('config key "dataset" is missing');
  if (c.model === undefined) throw new ModelConfigError('config key "model" is missing');
  return { dataset: c.dataset, model: c.model };
}

export function trainFromConfig(config: unknown, options: TrainOptions = {}): ModelArtifact {
  const { dataset, model } = splitConfig(config);
  const params = parseModelSection(model);
  const data = loadDataset(dataset, options.baseDir ?? process.cwd());
  const fitted = fitEstimator(params, data, options.onTree ? { onTree: options.onTree } : {});
  // A CSV header names the columns; make_classification's x0, x1, ... are only CSV export labels.
  const named = typeof dataset === 'object' && dataset !== null && 'csv' in dataset;
  return artifactOf(config, params.kind, data, fitted, named ? data.featureNames : null);
}

/**
 * trainFromConfig with a forest's trees on worker threads (`jobs`, else the config's `n_jobs`): the
 * same artifact, byte for byte, as one thread.
 */
export async function trainFromConfigParallel(
  config: unknown,
  options: ParallelTrainOptions = {},
): Promise<ModelArtifact> {
  const { dataset, model } = splitConfig(config);
  const params = parseModelSection(model);
  const jobs = options.jobs ?? params.nJobs ?? 1;
  resolveJobs(jobs, params.nEstimators);
  const data = loadDataset(dataset, options.baseDir ?? process.cwd());
  const fitted = await fitEstimatorParallel(
    params,
    data,
    jobs,
    options.onTree ? { onTree: options.onTree } : {},
  );
  const named = typeof dataset === 'object' && dataset !== null && 'csv' in dataset;
  return artifactOf(config, params.kind, data, fitted, named ? data.featureNames : null);
}

/** The artifact of a model fitted from `config` on `data`. */
export function artifactOf(
  config: unknown,
  kind: TrainableKind,
  data: Dataset,
  fitted: FittedModel,
  featureNames: readonly string[] | null = null,
): ModelArtifact {
  return {
    format: ARTIFACT_FORMAT,
    formatVersion: FORMAT_VERSION,
    kind,
    generatedBy: GENERATED_BY,
    provenance: { source: 'train', config },
    dataSha256: fingerprint(data),
    nFeatures: data.nFeatures,
    ...(featureNames ? { featureNames: [...featureNames] } : {}),
    classes: fitted.classes,
    estimator: { trees: fitted.trees },
  };
}
