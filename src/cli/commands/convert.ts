// `lambda-ml convert m.joblib --out m.json`: reads a scikit-learn, XGBoost or LightGBM file safely and writes
// the native artifact.
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { createPredictor } from '../../model/artifact.js';
import type { Provenance } from '../../model/types.js';
import { readModelFile } from '../../readers/load-any.js';
import { BINARY_EXTENSION, encodingFor, FORMAT_OPTION_HELP, writeArtifact } from '../artifact-file.js';

interface ConvertFlags {
  readonly out?: string;
  readonly format?: string;
}

function libraryOf(p: Provenance): string {
  if (p.source === 'sklearn') return `scikit-learn ${p.sklearnVersion ?? '?'}`;
  if (p.source === 'xgboost') return `XGBoost ${p.libraryVersion ?? '?'}`;
  if (p.source === 'lightgbm') return `LightGBM ${p.libraryVersion ?? '?'}`;
  return 'lambda-ml';
}

function defaultOut(input: string, format: string | undefined): string {
  const ext = format === 'binary' ? BINARY_EXTENSION : '.json';
  return join(dirname(input), `${basename(input, extname(input))}${ext}`);
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      'convert a scikit-learn/XGBoost/LightGBM model file (read safely, nothing executed) to a lambda-ml artifact',
    )
    .argument(
      '<model>',
      'a .joblib/.pkl file (uncompressed/zlib/gzip), XGBoost JSON/UBJSON or LightGBM model text (told by content)',
    )
    .option(
      '--out <file>',
      `where to write the artifact (default: <model name>.json, or ${BINARY_EXTENSION} with --format binary, next to the input)`,
    )
    .option('--format <format>', FORMAT_OPTION_HELP)
    .action((model: string, flags: ConvertFlags) => {
      const out = flags.out ?? defaultOut(model, flags.format);
      const encoding = encodingFor(out, flags.format);
      const artifact = readModelFile(model);
      createPredictor(artifact); // validates the estimator exactly as loading the artifact later will
      writeArtifact(out, artifact, encoding);
      const classes = artifact.classes === null ? 'regressor' : `classes ${JSON.stringify(artifact.classes)}`;
      process.stderr.write(
        `converted ${model} (${artifact.kind}, ${artifact.nFeatures} features, ${classes}, ${libraryOf(artifact.provenance)}) -> ${out}\n`,
      );
    });
}
