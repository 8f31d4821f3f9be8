// Unit tests of the synth/deploy helpers: CDK context flags and credential discovery without network calls.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { contextArgs, findCredentialSource } from './cdk-app.js';

describe('contextArgs', () => {
  it('maps each flag to its context key and passes -c key=value through', () => {
    assert.deepEqual(
      contextArgs({ memory: '2048', publicUrl: true, provisioned: '1', context: ['durationAlarmMs=500'] }),
      ['-c', 'memory=2048', '-c', 'provisioned=1', '-c', 'urlAuth=NONE', '-c', 'durationAlarmMs=500'],
    );
    assert.deepEqual(
      contextArgs({
        rollout: 'linear',
        rolloutMinutes: '4',
        provisionedMax: '8',
        batch: true,
        batchRows: '500',
      }),
      [
        '-c',
        'rollout=linear',
        '-c',
        'rolloutMinutes=4',
        '-c',
        'provisionedMax=8',
        '-c',
        'batch=true',
        '-c',
        'batchRows=500',
      ],
    );
    assert.deepEqual(contextArgs({}), []);
  });

  it('rejects a context value without key=', () => {
    assert.throws(() => contextArgs({ context: ['memory'] }), /--context expects key=value, got 'memory'/);
  });
});

describe('findCredentialSource', () => {
  it('finds keys, profiles and container credentials, and nothing in an empty home', () => {
    const home = mkdtempSync(join(tmpdir(), 'cdk-app-home-'));
    try {
      assert.equal(findCredentialSource({}, home), null);
      assert.match(
        String(findCredentialSource({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, home)),
        /environment/,
      );
      assert.equal(findCredentialSource({ AWS_ACCESS_KEY_ID: 'a' }, home), null);
      assert.match(
        String(findCredentialSource({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/x' }, home)),
        /container/,
      );
      mkdirSync(join(home, '.aws'));
      writeFileSync(join(home, '.aws', 'config'), '# empty\n');
      assert.equal(findCredentialSource({}, home), null);
      writeFileSync(join(home, '.aws', 'config'), '[profile dev]\nsso_session = x\n');
      assert.match(String(findCredentialSource({ AWS_PROFILE: 'dev' }, home)), /profile dev/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('localModelSha256', () => {
  it('equals the sha256 of the file `lambda-ml train` writes for the default config', async () => {
    const { localModelSha256 } = await import('./deploy.js');
    const dir = mkdtempSync(join(tmpdir(), 'cdk-app-train-'));
    try {
      const out = join(dir, 'model.json');
      const train = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'train',
          '--config',
          'config/default-training.json',
          '--out',
          out,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      assert.equal(train.status, 0, train.stderr);
      const expected = createHash('sha256').update(readFileSync(out)).digest('hex');
      assert.equal(localModelSha256(), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
