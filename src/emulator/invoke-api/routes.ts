// Recognises Invoke API paths and the function names, ARNs and qualifiers that address this function.
import { InvokeApiError } from './service-errors.js';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/**
 * The emulator's own routes live under this prefix, out of the way of the Invoke API and of Function
 * URL paths a handler would plausibly serve.
 */
export const EMULATOR_PREFIX = '/_lambda-ml/';
export const HEALTH_PATH = `${EMULATOR_PREFIX}health`;

export type Route =
  | { readonly kind: 'invoke' }
  | { readonly kind: 'health' }
  | { readonly kind: 'wrong-method' }
  | { readonly kind: 'other' };

/** Classifies a request by method and path (query string ignored). */
export function classify(method: string | undefined, path: string): Route {
  if (path === HEALTH_PATH) return method === 'GET' ? { kind: 'health' } : { kind: 'wrong-method' };
  const match = INVOKE_PATH.exec(path);
  if (match === null) return { kind: 'other' };
  return method === 'POST' ? { kind: 'invoke' } : { kind: 'wrong-method' };
}

/** The `{name}` segment of an invoke path, decoded. */
export function functionNameOf(path: string): string {
  const raw = INVOKE_PATH.exec(path)?.[1] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The function's ARN as Lambda would print it. */
export function functionArn(region: string, name: string): string {
  return `arn:aws:lambda:${region}:012345678912:function:${name}`;
}

/**
 * Qualifiers the local function answers to besides $LATEST: the alias the CDK app publishes (infra's
 * ModelFunction names it `live`), so the commands written for the deployed function work locally too.
 */
export const LOCAL_ALIASES: readonly string[] = ['live'];

/**
 * Throws ResourceNotFoundException unless `requested` names this function: its name, `function`
 * (the official emulator's name), or an ARN / partial ARN ending in it; the qualifier must be $LATEST
 * or one of LOCAL_ALIASES.
 */
export function checkTarget(
  requested: string,
  qualifier: string | null,
  names: readonly string[],
  region: string,
): void {
  const parts = requested.split(':');
  // name | account:function:name | arn:aws:lambda:region:account:function:name, each optionally :qualifier.
  const at = parts.length > 2 ? parts.lastIndexOf('function') : -1;
  const name = at >= 0 ? parts[at + 1] : parts[0];
  const inlineQualifier = at >= 0 ? parts[at + 2] : parts[1];
  const effective = qualifier ?? inlineQualifier ?? '$LATEST';
  const known = name !== undefined && names.includes(name);
  if (!known || (effective !== '$LATEST' && effective !== '' && !LOCAL_ALIASES.includes(effective))) {
    const suffix = qualifier !== null || inlineQualifier !== undefined ? `:${effective}` : '';
    throw new InvokeApiError(
      404,
      'ResourceNotFoundException',
      `Function not found: ${functionArn(region, name ?? requested)}${suffix}`,
    );
  }
}
