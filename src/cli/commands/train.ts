// `lambda-ml train --config FILE --out FILE`: trains the configured model, writes its artifact and
// prints the artifact's sha256. A progress bar appears on a terminal when training takes over 1 s.
import { dirname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { trainFromConfigParallel } from '../../model/train.js';
import type { ModelArtifact } from '../../model/types.js';
import { encodingFor, FORMAT_OPTION_HELP, writeArtifact } from '../artifact-file.js';
import { readJsonConfig } from '../files.js';

/** Shows a bar only on a TTY and only once training has run for more than a second. */
function progressReporter(stream: NodeJS.WriteStream): {
  onTree: (done: number, total: number) => void;
  stop: () => void;
} {
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    onTree(done, total) {
      if (!stream.isTTY) return;
      if (!bar && Date.now() - started > 1000) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: 'training [{bar}] {value}/{total} trees | {duration_formatted}',
            // Leave the terminal's cursor and line wrap alone: training blocks the event loop, so a Ctrl-C
            // ends the process before any handler could restore them (the shell then had no cursor).
            // linewrap: true trims the bar to the terminal width instead of switching wrapping off.
            hideCursor: false,
            linewrap: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar?.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** `--jobs`: a non-zero integer, as scikit-learn's n_jobs. */
export function parseJobs(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n === 0) {
    throw new InvalidArgumentError(
      `expected a non-zero integer (threads; -1 = every core, -2 = all but one), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a scikit-learn-exact model from a JSON config and write its artifact')
    .requiredOption('--config <file>', 'training config: {"dataset": {...}, "model": {"<Estimator>": {...}}}')
    .requiredOption('--out <file>', 'where to write the model artifact')
    .option('--format <format>', FORMAT_OPTION_HELP)
    .option(
      '--jobs <n>',
      "worker threads for a forest's trees, as scikit-learn's n_jobs (-1 = every core; default: the config's n_jobs, else 1); the model is the same",
      parseJobs,
    )
    .action(async (flags: { config: string; out: string; format?: string; jobs?: number }) => {
      const encoding = encodingFor(flags.out, flags.format);
      const config = readJsonConfig(flags.config);
      const progress = progressReporter(process.stderr);
      let artifact: ModelArtifact;
      try {
        artifact = await trainFromConfigParallel(config, {
          baseDir: dirname(resolve(flags.config)),
          onTree: progress.onTree,
          ...(flags.jobs === undefined ? {} : { jobs: flags.jobs }),
        });
      } finally {
        progress.stop();
      }
      const sha = writeArtifact(flags.out, artifact, encoding);
      process.stdout.write(`${sha}  ${flags.out}\n`);
    });
}
