// The loader moved to src/readers/load-any.ts when XGBoost and LightGBM joined; these re-exports keep
// older imports working.
export { loadAnyModelFile, readModelFile, readSklearnFile } from '../readers/load-any.js';
