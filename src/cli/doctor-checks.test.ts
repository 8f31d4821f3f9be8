// `lambda-ml doctor`'s checks with the machine injected: each missing piece is named with what to do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DoctorDeps, type Exec, findRegion, formatChecks, runChecks } from './doctor-checks.js';

const DOCKER_OK: Exec = async (_cmd, args) => {
  if (args[0] === 'version') return args[2]?.includes('Server') ? '28.2.2\n' : '28.2.2\n';
  if (args[0] === 'buildx') return 'github.com/docker/buildx v0.17.1\n';
  return null;
};

function deps(over: Partial<DoctorDeps> = {}): DoctorDeps {
  return {
    env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' },
    nodeVersion: '20.20.2',
    arch: 'x64',
    exec: DOCKER_OK,
    exists: () => true,
    readText: () => null,
    home: '/nonexistent',
    bootstrap: async () => '21',
    ...over,
  };
}

function byName(results: Awaited<ReturnType<typeof runChecks>>) {
  return Object.fromEntries(results.map((r) => [r.name, r]));
}

describe('lambda-ml doctor checks', () => {
  it('reports a machine ready to deploy', async () => {
    const results = await runChecks(deps());
    assert.deepEqual(
      results.map((r) => r.status),
      ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
    );
    assert.match(formatChecks(results), /^ok\s+CDK bootstrap\s+bootstrap stack version 21 in eu-west-1$/m);
  });

  it('names every missing piece with what to do, and skips the account check without credentials', async () => {
    const results = byName(
      await runChecks(deps({ env: {}, nodeVersion: '18.19.0', exec: async () => null, exists: () => false })),
    );
    assert.equal(results['Node.js']?.status, 'missing');
    assert.match(results['Node.js']?.fix ?? '', /Node\.js 20/);
    assert.equal(results.Docker?.status, 'missing');
    assert.match(results.Docker?.fix ?? '', /install Docker/);
    assert.equal(results['arm64 image build']?.status, 'warning');
    assert.match(results['arm64 image build']?.fix ?? '', /--arch x86_64/);
    assert.equal(results['AWS credentials']?.status, 'missing');
    assert.match(results['AWS credentials']?.fix ?? '', /aws configure/);
    assert.equal(results['AWS region']?.status, 'missing');
    assert.equal(results['CDK bootstrap']?.status, 'skipped');
  });

  it('tells a stopped Docker engine from a missing one, and a missing bootstrap from a failed lookup', async () => {
    const clientOnly: Exec = async (_c, args) => (args[2]?.includes('Server') ? null : '28.2.2\n');
    const stopped = byName(await runChecks(deps({ exec: clientOnly, bootstrap: async () => null })));
    assert.match(stopped.Docker?.detail ?? '', /no engine answers/);
    assert.match(stopped.Docker?.fix ?? '', /start the Docker engine/);
    assert.equal(stopped['CDK bootstrap']?.status, 'missing');
    assert.match(stopped['CDK bootstrap']?.fix ?? '', /npx lambda-ml bootstrap/);
    const failing = byName(
      await runChecks(
        deps({
          bootstrap: async () => {
            throw new Error('The security token included in the request is invalid.');
          },
        }),
      ),
    );
    assert.equal(failing['CDK bootstrap']?.status, 'warning');
    assert.match(failing['CDK bootstrap']?.detail ?? '', /security token/);
  });

  it('an arm64 machine builds natively; x86_64 needs buildx and QEMU', async () => {
    assert.equal(
      byName(await runChecks(deps({ arch: 'arm64', exists: () => false })))['arm64 image build']?.status,
      'ok',
    );
    const noQemu = byName(await runChecks(deps({ exists: () => false })))['arm64 image build'];
    assert.equal(noQemu?.status, 'warning');
    assert.match(noQemu?.fix ?? '', /tonistiigi\/binfmt --install arm64/);
  });

  it('finds the region in the profile of ~/.aws/config when the environment has none', () => {
    const config = '[default]\nregion = us-east-2\n[profile work]\nregion=ap-south-1\n';
    const read = () => config;
    assert.deepEqual(findRegion({ env: {}, home: '/h', readText: read }), {
      region: 'us-east-2',
      from: 'profile default in /h/.aws/config',
    });
    assert.equal(
      findRegion({ env: { AWS_PROFILE: 'work' }, home: '/h', readText: read })?.region,
      'ap-south-1',
    );
    assert.equal(findRegion({ env: { AWS_PROFILE: 'other' }, home: '/h', readText: read }), null);
  });
});
