// `lambda-ml convert m.joblib --out m.json`: reads a scikit-learn file safely and writes the native artifact.
import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { createPredictor, serializeArtifact } from '../../model/artifact.js';
import { readSklearnFile } from '../../sklearn/load-any.js';

interface ConvertFlags {
  readonly out?: string;
}

function defaultOut(input: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.json`);
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      'convert a scikit-learn .joblib/.pkl model (read safely, nothing executed) to a lambda-ml artifact',
    )
    .argument('<model>', 'the scikit-learn file (joblib uncompressed/zlib/gzip, or a plain pickle)')
    .option('--out <file>', 'where to write the artifact (default: <model name>.json next to the input)')
    .action((model: string, flags: ConvertFlags) => {
      const artifact = readSklearnFile(model);
      createPredictor(artifact); // validates the estimator exactly as loading the artifact later will
      const out = flags.out ?? defaultOut(model);
      writeFileSync(out, serializeArtifact(artifact));
      const classes = artifact.classes === null ? 'regressor' : `classes ${JSON.stringify(artifact.classes)}`;
      const version = artifact.provenance.source === 'sklearn' ? artifact.provenance.sklearnVersion : '?';
      process.stderr.write(
        `converted ${model} (${artifact.kind}, ${artifact.nFeatures} features, ${classes}, scikit-learn ${version}) -> ${out}\n`,
      );
    });
}
