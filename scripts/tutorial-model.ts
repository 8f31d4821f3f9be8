// Trains the tutorial's model (config/default-training.json) with the built CLI, for benchmarks and screenshots.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** Writes the trained artifact to `out`; throws with the CLI's message when training fails. */
export function trainTutorialModel(out: string): void {
  const config = join(ROOT, 'config', 'default-training.json');
  const cli = join(ROOT, 'dist', 'cli', 'main.js');
  const trained = spawnSync(process.execPath, [cli, 'train', '--config', config, '--out', out], {
    encoding: 'utf8',
  });
  if (trained.status !== 0) throw new Error(`training the tutorial model failed: ${trained.stderr}`);
}
