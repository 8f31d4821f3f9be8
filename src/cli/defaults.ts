// Where `lambda-ml start` keeps what it trains, and what `serve` serves when no model is named.
export const DEFAULT_MODEL = '.artifacts/model.json';
export const DEFAULT_CONFIG = 'config/default-training.json';
