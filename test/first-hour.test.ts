// The rough edges a new user hit in their first hour, each as they met it: a bin that would not run,
// `--out` into a folder that does not exist yet, `"max_features": 1.0`, a typo in a config, `invoke`
// without credentials, and Ctrl-C during a long `train` on a terminal.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SKLEARN_FIXTURES_DIR } from './sklearn-fixtures.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-first-hour-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function config(model: Record<string, unknown>, name: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `{"dataset": {"make_classification": {"n_samples": 300, "n_features": 6, "random_state": 1}}, "model": ${JSON.stringify(model)}}`,
  );
  return path;
}

describe('a new user’s first hour', () => {
  it('the bin is executable after a build, so npx lambda-ml runs it', () => {
    assert.ok((statSync(cli).mode & 0o111) !== 0, 'dist/cli/main.js has no execute bit');
    const r = spawnSync(cli, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, String(r.error ?? r.stderr));
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('train and convert create the --out folder instead of failing on a temporary file', () => {
    const trainOut = join(dir, 'new', 'nested', 'forest.json');
    const t = run([
      'train',
      '--config',
      config({ DecisionTreeClassifier: { random_state: 0 } }, 'dt.json'),
      '--out',
      trainOut,
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.ok(existsSync(trainOut));
    const convertOut = join(dir, 'converted', 'modelo.json');
    const c = run(['convert', join(SKLEARN_FIXTURES_DIR, 'modelo.joblib'), '--out', convertOut]);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(existsSync(convertOut));
    const blocked = run([
      'train',
      '--config',
      join(dir, 'dt.json'),
      '--out',
      join(trainOut, 'below-a-file.json'),
    ]);
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /^lambda-ml: cannot write .*below-a-file\.json \((ENOTDIR|EEXIST)/);
    assert.doesNotMatch(blocked.stderr, /\.tmp/);
  });

  it('"max_features": 1.0 means every feature, as in scikit-learn, and trains the same trees as null', () => {
    const forest = (maxFeatures: string, name: string) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        `{"dataset": {"make_classification": {"n_samples": 300, "n_features": 6, "random_state": 1}},
          "model": {"RandomForestClassifier": {"n_estimators": 5, "max_features": ${maxFeatures}, "random_state": 0}}}`,
      );
      const out = join(dir, `${name}.model.json`);
      const r = run(['train', '--config', path, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(readFileSync(out, 'utf8')) as { estimator: unknown; provenance: { config: unknown } };
    };
    const float = forest('1.0', 'float.json');
    const all = forest('null', 'null.json');
    const one = forest('1', 'one.json');
    assert.deepEqual(float.estimator, all.estimator);
    assert.notDeepEqual(float.estimator, one.estimator);
    // The recorded config says what was trained: null, not the integer JSON would have read.
    assert.equal(
      (float.provenance.config as { model: { RandomForestClassifier: { max_features: unknown } } }).model
        .RandomForestClassifier.max_features,
      null,
    );
  });

  it('integral floats whose meaning JSON cannot keep are refused by name', () => {
    const path = join(dir, 'leaf.json');
    writeFileSync(
      path,
      '{"dataset": {"make_classification": {"random_state": 1}}, "model": {"DecisionTreeClassifier": {"min_samples_leaf": 2.0, "random_state": 0}}}',
    );
    const r = run(['train', '--config', path, '--out', join(dir, 'x.json')]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /DecisionTreeClassifier parameter "min_samples_leaf" is 2\.0, a float: .*write 2 for 2 samples/,
    );
  });

  it('a typo in an estimator or parameter name gets a "did you mean"', () => {
    const estimator = run([
      'train',
      '--config',
      config({ RandomForestClasifier: { random_state: 0 } }, 'typo1.json'),
      '--out',
      join(dir, 'x.json'),
    ]);
    assert.equal(estimator.code, 1);
    assert.match(estimator.stderr, /did you mean "RandomForestClassifier"\?/);
    const param = run([
      'train',
      '--config',
      config({ RandomForestClassifier: { max_dept: 3, random_state: 0 } }, 'typo2.json'),
      '--out',
      join(dir, 'x.json'),
    ]);
    assert.match(
      param.stderr,
      /unknown or unsupported RandomForestClassifier parameter "max_dept"; did you mean "max_depth"\?/,
    );
    const far = run(['train', '--config', config({ SVC: {} }, 'svc.json'), '--out', join(dir, 'x.json')]);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });

  it('invoke without AWS credentials says how to configure them, not CredentialsProviderError', () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    // No instance-metadata lookup: tests send traffic to loopback only.
    const r = run(['invoke', '--function', 'my-fn', '--region', 'us-east-1'], {
      ...env,
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^lambda-ml: no AWS credentials found\. Configure them with `aws configure`/);
    assert.doesNotMatch(r.stderr, /CredentialsProviderError/);
  });

  const script = spawnSync('sh', ['-c', 'command -v script']).status === 0;
  it('Ctrl-C during train on a terminal leaves the cursor and line wrap as they were', {
    skip: script ? false : 'needs util-linux `script` for a pseudo-terminal (not installed here)',
    timeout: 180_000,
  }, async () => {
    const long = join(dir, 'long.json');
    writeFileSync(
      long,
      JSON.stringify({
        dataset: { make_classification: { n_samples: 4000, n_features: 10, random_state: 0 } },
        model: { RandomForestClassifier: { n_estimators: 5000, random_state: 0 } },
      }),
    );
    const command = `${process.execPath} ${cli} train --config ${long} --out ${join(dir, 'never.json')}`;
    // `script` runs the command on a pseudo-terminal; writing ^C to its input is a real Ctrl-C there.
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('latin1');
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const deadline = Date.now() + 150_000;
    while (!output.includes('training [') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(output.includes('training ['), `no progress bar appeared:\n${output}`);
    child.stdin.write('\x03');
    const code = await exited;
    assert.notEqual(code, 0, 'training was interrupted');
    const hidden = output.split('\x1b[?25l').length - 1;
    const shown = output.split('\x1b[?25h').length - 1;
    const nowrap = output.split('\x1b[?7l').length - 1;
    const wrap = output.split('\x1b[?7h').length - 1;
    assert.ok(hidden <= shown, 'the cursor was left hidden');
    assert.ok(nowrap <= wrap, 'line wrap was left off');
    assert.equal(existsSync(join(dir, 'never.json')), false);
  });
});
