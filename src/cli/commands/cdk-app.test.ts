// Unit tests of the synth/deploy helpers: CDK context flags and credential discovery without network calls.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
