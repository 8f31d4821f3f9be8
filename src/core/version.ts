// The package version, as stamped into model artifacts (`generatedBy`) and printed by `--version`.
export const VERSION = '0.1.0';
export const GENERATED_BY = `lambda-ml ${VERSION}`;
