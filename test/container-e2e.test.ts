// Runs scripts/container-e2e.sh: the function image built from a debootstrap base, run, and checked end to end.
// In CI (CI=true) it must run; elsewhere it skips, saying why, when Docker or root is missing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// The image build alone took 274 s at load average 50 on the shared 2-core machine.
const TIMEOUT_MS = 8 * 60_000;

function whyNot(): string | null {
  if (process.env.CI === 'true') return null;
  for (const tool of ['docker', 'dockerd', 'debootstrap']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  if (process.getuid?.() !== 0) return 'dockerd and debootstrap need root';
  return null;
}

/** How many rows an XGBoost/LightGBM fixture model has answers for (the batch the image is asked). */
function rows(library: string, file: string): number {
  const path = join(import.meta.dirname, 'fixtures', library, 'expected.json');
  const meta = JSON.parse(readFileSync(path, 'utf8'));
  const model = meta.models.find((m: { file: string }) => m.file === file);
  return meta.datasets[model.dataset].length;
}

interface E2eResult {
  readonly sizeBytes: number;
  readonly baseSizeBytes: number;
  readonly buildMs: number;
  readonly coldStartMs: number;
  readonly uid: number;
  readonly modelSha256: string;
  readonly answer: unknown;
  readonly sklearn: string[];
  readonly boosted: string[];
}

describe('container image end to end', () => {
  const reason = whyNot();
  it('builds, answers the tutorial request as non-root, in both modes, with a reproducible model; serves scikit-learn pipelines by name and position, XGBoost and LightGBM files', {
    skip: reason ?? false,
    timeout: TIMEOUT_MS + 10_000,
  }, async () => {
    // Its own process group, so a timeout stops the script and everything it started (dockerd included).
    const child = spawn('bash', ['scripts/container-e2e.sh'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const pid = child.pid as number;
    const timer = setTimeout(() => process.kill(-pid, 'SIGTERM'), TIMEOUT_MS);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    assert.equal(code, 0, `container-e2e.sh failed:\n${stderr.slice(-4000)}`);

    const line = stdout.split('\n').find((l) => l.startsWith('E2E-RESULT '));
    assert.ok(line, `no E2E-RESULT line in:\n${stdout}`);
    const result = JSON.parse(line.slice('E2E-RESULT '.length)) as E2eResult;
    assert.deepEqual(result.answer, { statusCode: 200, body: 1 });
    // MODEL_PATH at a mounted scikit-learn 1.9.1 file: every fixture row by name and by position, as scikit-learn.
    assert.deepEqual(result.sklearn, ['1.9.1/pipe_ct_rf 16', '1.9.1/hgb_pipe_cat 16']);
    assert.deepEqual(result.boosted, [
      `xgboost/binary.ubj ${rows('xgboost', 'binary.ubj')}`,
      `lightgbm/categorical.pkl ${rows('lightgbm', 'categorical.pkl')}`,
    ]);
    assert.notEqual(result.uid, 0);
    assert.match(result.modelSha256, /^[0-9a-f]{64}$/);
    assert.ok(result.sizeBytes > result.baseSizeBytes, 'the image adds layers to its base');
    // The report the issue asks for: image size and build time.
    process.stdout.write(
      `# image ${(result.sizeBytes / 1e6).toFixed(1)} MB (base ${(result.baseSizeBytes / 1e6).toFixed(1)} MB), ` +
        `build ${(result.buildMs / 1000).toFixed(1)} s, first answer ${result.coldStartMs} ms after docker run\n`,
    );
  });
});
