// `lambda-ml describe MODEL`: what a model expects (features: names, kinds, known categories, missing values)
// and what it returns (classes, probabilities), as text or as the JSON the handler's schema request answers.
import type { Command } from 'commander';
import { describeModel, formatDescription } from '../../model/describe.js';
import { loadAnyModelFile, MODEL_FILE_HELP } from '../../readers/load-any.js';

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description("print what a model expects and returns (the handler's schema request answers the same)")
    .argument('<model>', MODEL_FILE_HELP)
    .option('--json', 'print the description as JSON (the body of a {"schema": true} request)')
    .option('--all-categories', 'list every known category value (default: the first 12)')
    .action((model: string, flags: { json?: boolean; allCategories?: boolean }) => {
      const description = describeModel(loadAnyModelFile(model));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        formatDescription(description, flags.allCategories ? Number.POSITIVE_INFINITY : 12),
      );
    });
}
