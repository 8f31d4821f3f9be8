// `lambda-ml dataset --config FILE --out FILE.csv`: writes the dataset a training config describes
// (features x0..xN-1 and the target) as CSV.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { datasetToCsv, loadDataset } from '../../model/dataset.js';
import { readJsonConfig, writeFileAtomic } from '../files.js';

export function registerDataset(program: Command): void {
  program
    .command('dataset')
    .description('write the dataset of a training config (e.g. make_classification) as CSV')
    .requiredOption('--config <file>', 'training config with a "dataset" section')
    .requiredOption('--out <file>', 'CSV file to write')
    .action((flags: { config: string; out: string }) => {
      const config = readJsonConfig(flags.config);
      if (typeof config !== 'object' || config === null || Array.isArray(config)) {
        throw new UsageError(`config ${flags.config} must be a JSON object with a "dataset" key`);
      }
      const extra = Object.keys(config).filter((k) => k !== 'dataset' && k !== 'model');
      if (extra.length > 0)
        throw new UsageError(`unknown config key "${extra[0]}"; accepted: dataset, model`);
      const section = (config as Record<string, unknown>).dataset;
      if (section === undefined) throw new UsageError(`config ${flags.config} has no "dataset" key`);
      const data = loadDataset(section, dirname(resolve(flags.config)));
      writeFileAtomic(flags.out, datasetToCsv(data));
      process.stdout.write(`${flags.out}: ${data.nRows} rows, ${data.nFeatures} features\n`);
    });
}
