// The Pipeline kind: preprocessing steps (scaler, encoder, imputer, ColumnTransformer, nested pipelines), then a
// final estimator of any other kind. Its input schema is folded back from the estimator through the steps.
import { ArtifactError } from './errors.js';
import { chainTransforms, createSteps } from './transform/compose.js';
import { needsFromSchema, schemaFromNeeds } from './transform/schema.js';
import type { EstimatorNode, FeatureValue, Predictor } from './types.js';

export interface PipelineEstimator {
  /** Transform nodes, first to last (scikit-learn's 'passthrough' and None steps are left out). */
  readonly steps: readonly unknown[];
  /** The last step: an estimator of any kind but Pipeline. */
  readonly final: EstimatorNode;
}

/** Builds the final estimator's predictor; supplied by the kind table (it knows every kind). */
export type EstimatorFactory = (node: EstimatorNode, where: string) => Predictor;

export function createPipelinePredictor(node: EstimatorNode, estimatorFor: EstimatorFactory): Predictor {
  const e = node.estimator as Partial<PipelineEstimator> | null;
  if (
    e === null ||
    typeof e !== 'object' ||
    !Array.isArray(e.steps) ||
    typeof e.final !== 'object' ||
    e.final === null
  )
    throw new ArtifactError(
      'invalid model artifact: a Pipeline estimator needs "steps" (a list) and "final"',
    );
  if (e.final.kind === 'Pipeline')
    throw new ArtifactError('invalid model artifact: a Pipeline cannot end in a Pipeline');
  const final = estimatorFor(e.final, 'estimator.final');
  if (e.steps.length === 0) return final;
  const chain = chainTransforms(createSteps(e.steps, 'estimator'));
  if (chain.nIn !== node.nFeatures)
    throw new ArtifactError(
      `invalid model artifact: the pipeline's first step takes ${chain.nIn} columns, the model ${node.nFeatures}`,
    );
  if (chain.nOut !== final.nFeatures)
    throw new ArtifactError(
      `invalid model artifact: the steps give ${chain.nOut} columns, ${final.kind} takes ${final.nFeatures}`,
    );
  if (JSON.stringify(final.classes) !== JSON.stringify(node.classes))
    throw new ArtifactError(
      'invalid model artifact: the pipeline and its final estimator have different classes',
    );
  const transform = (row: ArrayLike<FeatureValue>): FeatureValue[] => chain.apply(Array.from(row));
  const decision = final.decisionFunction;
  return {
    kind: 'Pipeline',
    task: final.task,
    nFeatures: node.nFeatures,
    schema: schemaFromNeeds(chain.inputNeeds(needsFromSchema(final.schema))),
    classes: final.classes,
    hasProbabilities: final.hasProbabilities,
    steps: [...e.steps.map((s) => String((s as { kind?: unknown }).kind)), ...(final.steps ?? [final.kind])],
    predict: (row) => final.predict(transform(row)),
    predictProba: (row) => final.predictProba(transform(row)),
    ...(decision ? { decisionFunction: (row: ArrayLike<FeatureValue>) => decision(transform(row)) } : {}),
    transform,
  };
}
