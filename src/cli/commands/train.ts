// `lambda-ml train --config FILE --out FILE`: trains the configured model, writes its artifact and
// prints the artifact's sha256. A progress bar appears on a terminal when training takes over 1 s.
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { serializeArtifact } from '../../model/artifact.js';
import { trainFromConfig } from '../../model/train.js';
import { readJsonConfig, writeFileAtomic } from '../files.js';

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
            hideCursor: true,
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

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a scikit-learn-exact model from a JSON config and write its artifact')
    .requiredOption('--config <file>', 'training config: {"dataset": {...}, "model": {"<Estimator>": {...}}}')
    .requiredOption('--out <file>', 'where to write the model artifact (JSON)')
    .action((flags: { config: string; out: string }) => {
      const config = readJsonConfig(flags.config);
      const progress = progressReporter(process.stderr);
      let text: string;
      try {
        const artifact = trainFromConfig(config, {
          baseDir: dirname(resolve(flags.config)),
          onTree: progress.onTree,
        });
        text = serializeArtifact(artifact);
      } finally {
        progress.stop();
      }
      writeFileAtomic(flags.out, text);
      const sha = createHash('sha256').update(text, 'utf8').digest('hex');
      process.stdout.write(`${sha}  ${flags.out}\n`);
    });
}
