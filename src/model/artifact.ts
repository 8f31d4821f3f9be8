// The versioned model file, as JSON (human-readable, sha256 at the end) or in the binary container
// (binary-format.ts: the same fields, big numeric arrays as typed sections, CRC-32): deterministic
// serialisation, strict parsing with typed errors, and the Predictor built from it.
import { createHash } from 'node:crypto';
import {
  type ContainerHead,
  checkSection,
  decodeContainer,
  encodeContainer,
  externalize,
  type SectionArray,
  type SectionInfo,
  sectionIndex,
  startsLikeBinary,
} from './binary-format.js';
import { ArtifactError } from './errors.js';
import {
  engineFromStoredImage,
  ensembleOutputs,
  FOREST_IMAGE_LAYOUT,
  forestImageOf,
  imagesUsable,
  packedSums,
} from './forest-image.js';
import { kindHandler } from './kinds.js';
import { createTreeEnsemblePredictor } from './tree-ensemble.js';
import { treeNodeCount, validateTreeEnvelope } from './tree-validate.js';
import { ARTIFACT_FORMAT, type ModelArtifact, nameFeatures, type Predictor } from './types.js';

/** What `train` writes (tree models, no feature names). */
export const FORMAT_VERSION = 1;
/**
 * What `convert` writes: every kind of the kind table (pipelines, HistGradientBoosting, linear models),
 * and tree payloads whose meaning a formatVersion 1 reader would get wrong without an error (trees
 * that route NaN, classifier leaves used as stored): an older lambda-ml then refuses the file.
 */
export const FORMAT_VERSION_2 = 2;
const READABLE_VERSIONS: readonly number[] = [FORMAT_VERSION, FORMAT_VERSION_2];

/** How serializeArtifact ends a file: the sha256 of everything before it, then `}` and a newline. */
const SHA_SUFFIX = /,"sha256":"([0-9a-f]{64})"\}\n?$/;

/** The artifact fields in file order. */
function ordered(a: ModelArtifact): Record<string, unknown> {
  return {
    format: a.format,
    formatVersion: a.formatVersion,
    kind: a.kind,
    generatedBy: a.generatedBy,
    provenance: a.provenance,
    dataSha256: a.dataSha256,
    nFeatures: a.nFeatures,
    // Only when known, so every artifact written before names existed keeps its exact bytes and sha256.
    ...(a.featureNames ? { featureNames: a.featureNames } : {}),
    classes: a.classes,
    estimator: a.estimator,
  };
}

/** Typed arrays (from a binary file) are written as JSON arrays. */
const plainArrays = (_key: string, v: unknown): unknown =>
  ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;

/** The JSON text without `sha256` (the hash covers exactly these bytes). */
function canonicalBody(a: ModelArtifact): string {
  return JSON.stringify(ordered(a), plainArrays);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Deterministic bytes: fixed key order, shortest round-trip numbers, one trailing newline. */
export function serializeArtifact(a: ModelArtifact): string {
  const body = canonicalBody(a);
  return `${body.slice(0, -1)},"sha256":"${sha256(body)}"}\n`;
}

/**
 * The binary form: the same fields in the same order (no sha256: the container's CRC-32s cover every
 * byte), with each numeric array of 16+ entries under `estimator` in a typed section; a big tree ensemble
 * adds `predictorImage` {layout, bytes}: the kernel memory its trees pack to (forest-image.ts), which
 * loadModelFile reads instead of the trees.
 */
export function serializeArtifactBinary(a: ModelArtifact): Uint8Array {
  const sections: SectionArray[] = [];
  const meta: Record<string, unknown> = { ...ordered(a), estimator: externalize(a.estimator, sections) };
  const image = forestImageOf(a);
  if (image !== null) {
    meta.predictorImage = { layout: FOREST_IMAGE_LAYOUT, bytes: { $section: sections.length } };
    sections.push(image);
  }
  return encodeContainer(meta, sections);
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

function parseJson(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(
      `model artifact is not valid JSON (truncated or damaged): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return asObject(raw);
}

function asObject(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ArtifactError('model artifact must be a JSON object');
  }
  return raw as Record<string, unknown>;
}

/** The envelope fields every artifact has, whatever its kind and encoding. */
function checkEnvelope(o: Record<string, unknown>): void {
  field(o, 'format', (v) => v === ARTIFACT_FORMAT, JSON.stringify(ARTIFACT_FORMAT));
  field<number>(
    o,
    'formatVersion',
    (v) => READABLE_VERSIONS.includes(v as number),
    `${READABLE_VERSIONS.join(' or ')} (the versions this lambda-ml reads)`,
  );
  kindHandler(o.kind);
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
    'featureNames',
    (v) =>
      v === undefined ||
      v === null ||
      (Array.isArray(v) &&
        v.length === o.nFeatures &&
        v.every((n) => typeof n === 'string' && n !== '') &&
        new Set(v).size === v.length),
    `absent, null, or ${String(o.nFeatures)} distinct non-empty strings (one name per feature)`,
  );
  field(
    o,
    'classes',
    (v) => v === null || (Array.isArray(v) && v.every((c) => typeof c === 'number' || typeof c === 'string')),
    'null or an array of numbers/strings',
  );
}

function validated(o: Record<string, unknown>): ModelArtifact {
  const artifact = o as unknown as ModelArtifact;
  kindHandler(o.kind).validate(artifact);
  return artifact;
}

/**
 * The structural checks a file gets when it is loaded, applied to an artifact held in memory (one a reader
 * built from a scikit-learn/XGBoost/LightGBM file): envelope fields, then the kind's own checks (lengths,
 * node links, finite numbers, classes against value widths). Throws ArtifactError naming the field.
 */
export function validateArtifact(artifact: ModelArtifact): ModelArtifact {
  const o = artifact as unknown as Record<string, unknown>;
  checkEnvelope(o);
  return validated(o);
}

/** Parses and validates a JSON model file's text; throws ArtifactError naming what is wrong. */
export function parseArtifact(text: string): ModelArtifact {
  const o = parseJson(text);
  checkEnvelope(o);
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
  return validated(o);
}

/** The `predictorImage` field's layout and section reference, checked for shape. */
function imageField(v: unknown): { layout: string; bytes: unknown } {
  const o = v as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || typeof o.layout !== 'string' || Object.keys(o).length !== 2) {
    throw new ArtifactError('invalid model artifact: "predictorImage" must be {"layout": ..., "bytes": ...}');
  }
  return o as { layout: string; bytes: unknown };
}

const imageMismatch = (what: string): ArtifactError =>
  new ArtifactError(`invalid model artifact: predictorImage: ${what}`);

/**
 * Parses and validates a binary model file (checksums, container, then the same checks as JSON); a
 * predictor image for this lambda-ml's kernel must be exactly what the trees pack to.
 */
export function parseArtifactBinary(bytes: Uint8Array): ModelArtifact {
  const o = asObject(decodeContainer(bytes));
  const image = o.predictorImage;
  delete o.predictorImage;
  checkEnvelope(o);
  if ('sha256' in o) throw new ArtifactError('invalid model artifact: a binary file has no "sha256" field');
  const artifact = validated(o);
  if (image !== undefined) {
    const { layout, bytes: stored } = imageField(image);
    if (!(stored instanceof Uint8Array)) throw imageMismatch('"bytes" must be a byte section');
    if (layout === FOREST_IMAGE_LAYOUT && imagesUsable) {
      const expected = forestImageOf(artifact);
      if (expected === null || Buffer.compare(expected, stored) !== 0) {
        throw imageMismatch('it is not what the trees pack to (the file was edited and re-sealed?)');
      }
    }
  }
  return artifact;
}

/**
 * The Predictor of a binary file from its head and its predictor image alone (the function's cold start:
 * the trees' own sections are neither read nor parsed). `read(info, into)` copies a section's bytes from
 * the file into `into`. Null when the file has no image this process can use (no image, another kernel
 * layout, no WebAssembly): the caller then parses the whole file.
 */
export function predictorFromHead(
  head: ContainerHead,
  read: (info: SectionInfo, into: Uint8Array) => void,
): Predictor | null {
  const o = asObject(head.metadata);
  // Version 1 files have no per-section checksum (nor images, which came with version 2).
  if (head.version < 2 || o.predictorImage === undefined || !imagesUsable) return null;
  const { layout, bytes } = imageField(o.predictorImage);
  if (layout !== FOREST_IMAGE_LAYOUT) return null;
  checkEnvelope(o);
  if ('sha256' in o) throw new ArtifactError('invalid model artifact: a binary file has no "sha256" field');
  const handler = kindHandler(o.kind);
  const tree = handler.treeEnsemble;
  if (tree === undefined) throw imageMismatch(`a ${String(o.kind)} has no forest image`);
  const node = o as unknown as ModelArtifact;
  const { trees } = validateTreeEnvelope(node, tree.task, tree.aggregation === 'single');
  const est = node.estimator as { missingValues?: boolean; probabilitiesAsStored?: boolean };
  if (est.missingValues === true) throw imageMismatch('a model that takes missing values has no image');
  const nodeCounts = trees.map((t, i) => treeNodeCount(t, `estimator.trees[${i}]`));
  const i = sectionIndex(bytes, head.sections.length);
  const info = head.sections[i] as SectionInfo;
  if (info.dtype !== 'uint8') throw imageMismatch(`section ${i} holds ${info.dtype} values, not bytes`);
  const spec = {
    kind: node.kind,
    task: tree.task,
    nFeatures: node.nFeatures,
    classes: node.classes,
    trees: [],
    aggregation: tree.aggregation,
    missingValues: false,
    probabilitiesAsStored: est.probabilitiesAsStored === true,
  };
  const packed = engineFromStoredImage(
    { nodeCounts, nFeatures: node.nFeatures, K: ensembleOutputs(spec) },
    info.byteLength,
    (into) => {
      read(info, into);
      checkSection(info, i, into);
    },
    (problem) => {
      throw imageMismatch(problem);
    },
  );
  const predictor = createTreeEnsemblePredictor(spec, {
    prebuilt: { nTrees: nodeCounts.length, build: (init) => packedSums(packed, init) },
  });
  return withFeatureNames(predictor, node.featureNames);
}

/** Either encoding, told by the first bytes (the binary signature, else JSON text). */
export function parseArtifactBytes(bytes: Uint8Array): ModelArtifact {
  if (startsLikeBinary(bytes)) return parseArtifactBinary(bytes);
  return parseArtifact(new TextDecoder().decode(bytes));
}

/** Builds the Predictor for any supported kind (cheap: one pass over the nodes), with its feature names. */
export function createPredictor(artifact: ModelArtifact): Predictor {
  return withFeatureNames(kindHandler(artifact.kind).createPredictor(artifact), artifact.featureNames);
}

function withFeatureNames(predictor: Predictor, names: readonly string[] | null | undefined): Predictor {
  if (!names) return predictor;
  // The envelope's names apply to every kind alike: the predictor is ours, fresh, so its schema is
  // replaced in place rather than wrapped (a wrapper would add a call to every prediction).
  Object.defineProperty(predictor, 'schema', {
    value: nameFeatures(predictor.schema, names),
    enumerable: true,
  });
  return predictor;
}
