// JSON.parse reads `1.0` as the integer 1, but scikit-learn reads some parameters differently for an int
// and a float (`max_features=1` is one feature, `1.0` all of them). This finds the numbers a config wrote
// as floats with an integral value and gives them scikit-learn's meaning, or refuses them by name.
import { ModelConfigError } from './errors.js';

/** The JSON paths (keys and indices) of every number written with `.`, `e` or `E` whose value is integral. */
export function integralFloatPaths(text: string): string[][] {
  const found: string[][] = [];
  const path: string[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        path.push(string());
        ws();
        i++; // ':'
        value();
        path.pop();
        ws();
        if (text[i++] === '}') return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        path.push(String(n));
        value();
        path.pop();
        ws();
        if (text[i++] === ']') return;
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const start = i;
    while (i < text.length && /[-+0-9.eEa-z]/.test(text[i] as string)) i++;
    const token = text.slice(start, i);
    if (/[.eE]/.test(token) && Number.isInteger(Number(token))) found.push([...path]);
  };
  value();
  return found;
}

/** Parameters whose integer and float forms mean different things in scikit-learn. */
const DUAL: Record<string, (value: number, params: Record<string, unknown>, where: string) => unknown> = {
  max_features: (v, _p, where) => {
    // A float is a fraction of the features: 1.0 = all of them, which null (None) also means.
    if (v === 1) return null;
    throw new ModelConfigError(
      `${where} is ${v.toFixed(1)}, a float: scikit-learn takes a float as a fraction of the features in (0, 1]; write ${v} for ${v} features`,
    );
  },
  max_samples: (v, p, where) => {
    if (v === 1 && p.bootstrap !== false) return null; // all samples, as null (None) draws
    throw new ModelConfigError(
      v === 1
        ? `${where} cannot be set when "bootstrap" is false`
        : `${where} is ${v.toFixed(1)}, a float: scikit-learn takes a float as a fraction of the samples in (0, 1]; write ${v} for ${v} samples`,
    );
  },
  min_samples_split: (v, _p, where) => {
    throw new ModelConfigError(
      v === 1
        ? `${where} is 1.0 (a fraction: every sample), which JSON cannot tell apart from the integer 1; write the number of training rows instead`
        : `${where} is ${v.toFixed(1)}, a float: scikit-learn takes a float as a fraction in (0, 1]; write ${v} for ${v} samples`,
    );
  },
  min_samples_leaf: (v, _p, where) => {
    throw new ModelConfigError(
      `${where} is ${v.toFixed(1)}, a float: scikit-learn takes a float as a fraction in (0, 1); write ${v} for ${v} samples`,
    );
  },
};

/**
 * Gives `config` (parsed from `text`) scikit-learn's meaning for the model parameters written as integral
 * floats: `max_features`/`max_samples` 1.0 become null (the same model), the others are refused by name.
 */
export function resolveFloatLiterals<T>(config: T, text: string): T {
  for (const path of integralFloatPaths(text)) {
    const [section, kind, name] = path;
    if (path.length !== 3 || section !== 'model' || kind === undefined || name === undefined) continue;
    const rule = DUAL[name];
    if (rule === undefined) continue;
    const params = (config as Record<string, Record<string, Record<string, unknown>>>).model?.[kind];
    if (params === undefined) continue;
    params[name] = rule(params[name] as number, params, `${kind} parameter "${name}"`);
  }
  return config;
}
