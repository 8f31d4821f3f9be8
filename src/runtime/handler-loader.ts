// Finds and loads the user's handler from a `dir/module.function` string, the way AWS's Node runtime does.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  HandlerNotFoundError,
  ImportModuleError,
  MalformedHandlerNameError,
  UserCodeSyntaxError,
} from './errors.js';

/** A Lambda Node handler: async `(event, context)` or callback style `(event, context, callback)`. */
export type Handler = (
  event: unknown,
  context: unknown,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

export interface HandlerSpec {
  /** Directory part, relative to the task root (`dir/` in `dir/app.handler`), may be empty. */
  readonly moduleDir: string;
  /** File name without extension (`app`). */
  readonly moduleName: string;
  /** Property path inside the module (`handler`, or `nested.fn`). */
  readonly functionPath: string;
}

/** `dir/app.handler` → dir `dir`, module `app`, function `handler`; the split is at the first dot of the last segment. */
export function parseHandlerString(handler: string): HandlerSpec {
  const slash = handler.lastIndexOf('/');
  const moduleDir = handler.slice(0, slash + 1);
  const last = handler.slice(slash + 1);
  const dot = last.indexOf('.');
  if (handler.split('/').includes('..')) {
    throw new MalformedHandlerNameError(
      `'${handler}' is not a valid handler name: '..' may not leave the task root`,
    );
  }
  if (dot <= 0 || dot === last.length - 1) {
    throw new MalformedHandlerNameError(
      `'${handler}' is not a valid handler name; expected module.function, e.g. index.handler or dir/app.handler`,
    );
  }
  return { moduleDir, moduleName: last.slice(0, dot), functionPath: last.slice(dot + 1) };
}

/** Nearest package.json `type` decides what a `.js` file is, as in Node itself. */
function isEsmJs(file: string): boolean {
  let dir = dirname(file);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

type Loader = { readonly file: string; readonly esm: boolean };

/** `.js`, then `.mjs`, then `.cjs`, then a package of that name under the task root's node_modules. */
function locate(taskRoot: string, spec: HandlerSpec): Loader | undefined {
  const base = resolve(taskRoot, spec.moduleDir, spec.moduleName);
  if (existsSync(`${base}.js`)) return { file: `${base}.js`, esm: isEsmJs(`${base}.js`) };
  if (existsSync(`${base}.mjs`)) return { file: `${base}.mjs`, esm: true };
  if (existsSync(`${base}.cjs`)) return { file: `${base}.cjs`, esm: false };
  try {
    const file = createRequire(join(taskRoot, sep)).resolve(spec.moduleDir + spec.moduleName);
    return { file, esm: true };
  } catch {
    return undefined;
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/** Imports the module; syntax errors and missing modules become the Runtime.* errors, anything else propagates. */
async function importModule(loader: Loader): Promise<unknown> {
  try {
    if (loader.esm) return await import(pathToFileURL(loader.file).href);
    return createRequire(loader.file)(loader.file);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new UserCodeSyntaxError(`${error.name}: ${error.message}`, { cause: error });
    }
    if (isModuleNotFound(error)) {
      throw new ImportModuleError(`Error: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }
}

function pick(module: unknown, path: string): unknown {
  let value: unknown = module;
  for (const key of path.split('.')) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export async function loadHandler(taskRoot: string, handler: string): Promise<Handler> {
  const spec = parseHandlerString(handler);
  const loader = locate(taskRoot, spec);
  if (!loader) {
    throw new ImportModuleError(
      `Error: Cannot find module '${spec.moduleDir}${spec.moduleName}' (looked for .js, .mjs, .cjs under ${taskRoot})`,
    );
  }
  const module = await importModule(loader);
  // An ESM namespace of a CommonJS file exposes module.exports as `default`.
  const fn =
    pick(module, spec.functionPath) ??
    (loader.esm ? pick(pick(module, 'default'), spec.functionPath) : undefined);
  if (fn === undefined) throw new HandlerNotFoundError(`${handler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFoundError(`${handler} is not a function`);
  return fn as Handler;
}
