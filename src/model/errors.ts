// Typed errors of the model area: bad training configs, bad datasets, bad artifacts, bad prediction rows.
import { LambdaMlError } from '../core/errors.js';

/** A training config (dataset or model section) names an unknown key, model or out-of-range value. */
export class ModelConfigError extends LambdaMlError {}

/** A dataset could not be read or generated (CSV syntax, missing values, unknown target column...). */
export class DatasetError extends LambdaMlError {}

/** A model artifact is unreadable, damaged, hand-edited or of an unknown format version. */
export class ArtifactError extends LambdaMlError {}

/** A prediction row is not an array of finite numbers of the model's feature count. */
export class PredictInputError extends LambdaMlError {}
