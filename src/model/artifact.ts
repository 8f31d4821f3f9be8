// The versioned JSON model file: deterministic serialisation with an integrity hash, strict parsing
// with typed errors, and the Predictor built from it.
import { createHash } from 'node:crypto';
import { ArtifactError } from './errors.js';
import { kindHandler } from './kinds.js';
import { ARTIFACT_FORMAT, type ModelArtifact, type Predictor } from './types.js';

export const FORMAT_VERSION = 1;

/** How serializeArtifact ends a file: the sha256 of everything before it, then `}` and a newline. */
const SHA_SUFFIX = /,"sha256":"([0-9a-f]{64})"\}\n?$/;

/** The artifact fields in file order; `sha256` (of the file without it) is appended last. */
function canonicalBody(a: ModelArtifact): string {
  const ordered = {
    format: a.format,
    formatVersion: a.formatVersion,
    kind: a.kind,
    generatedBy: a.generatedBy,
    provenance: a.provenance,
    dataSha256: a.dataSha256,
    nFeatures: a.nFeatures,
    classes: a.classes,
    estimator: a.estimator,
  };
  return JSON.stringify(ordered);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Deterministic bytes: fixed key order, shortest round-trip numbers, one trailing newline. */
export function serializeArtifact(a: ModelArtifact): string {
  const body = canonicalBody(a);
  return `${body.slice(0, -1)},"sha256":"${sha256(body)}"}\n`;
}

function field<T>(
  o: Record<string, unknown>,
  name: string,
  ok: (v: unknown) => boolean,
  expected: string,
): T {
  const v = o[name];
  if (!ok(v))
    throw new ArtifactError(
      `invalid model artifact: "${name}" is ${JSON.stringify(v)}; expected ${expected}`,
    );
  return v as T;
}

/** Parses and validates a model file's text; throws ArtifactError naming what is wrong. */
export function parseArtifact(text: string): ModelArtifact {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(
      `model artifact is not valid JSON (truncated or damaged): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ArtifactError('model artifact must be a JSON object');
  }
  const o = raw as Record<string, unknown>;
  field(o, 'format', (v) => v === ARTIFACT_FORMAT, JSON.stringify(ARTIFACT_FORMAT));
  field(
    o,
    'formatVersion',
    (v) => v === FORMAT_VERSION,
    `${FORMAT_VERSION} (the version this lambda-ml reads)`,
  );
  const handler = kindHandler(o.kind);
  field(o, 'generatedBy', (v) => typeof v === 'string', 'a string');
  field(o, 'provenance', (v) => typeof v === 'object' && v !== null, 'an object');
  field(
    o,
    'dataSha256',
    (v) => v === null || (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)),
    'a sha256 hex or null',
  );
  field(o, 'nFeatures', (v) => Number.isInteger(v) && (v as number) >= 1, 'an integer >= 1');
  field(
    o,
    'classes',
    (v) => v === null || (Array.isArray(v) && v.every((c) => typeof c === 'number' || typeof c === 'string')),
    'null or an array of numbers/strings',
  );
  field<string>(
    o,
    'sha256',
    (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v),
    'the sha256 of the file body',
  );
  // The hash covers the exact bytes before it, so any edit (even whitespace) is detected.
  const tail = SHA_SUFFIX.exec(text.slice(-90));
  const body = tail ? `${text.slice(0, text.length - (tail[0] as string).length)}}` : null;
  if (body === null || sha256(body) !== tail?.[1]) {
    throw new ArtifactError(
      'model artifact was modified after it was written (its sha256 does not match its content)',
    );
  }
  const artifact = o as unknown as ModelArtifact;
  handler.validate(artifact);
  return artifact;
}

/** Builds the Predictor for any supported kind (cheap: one pass over the nodes). */
export function createPredictor(artifact: ModelArtifact): Predictor {
  return kindHandler(artifact.kind).createPredictor(artifact);
}
