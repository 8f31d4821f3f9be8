// The infra-facing CLI over real processes: invoke through the AWS SDK, synth offline, deploy without credentials.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serializeArtifact } from '../src/model/artifact.js';
import { trainFromConfig } from '../src/model/train.js';

const CONFIG = fileURLToPath(new URL('../config/default-training.json', import.meta.url));

const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** cdk synth runs the app under tsx: ~20 s on a quiet 2-core machine, over 60 s at load average 13. */
const SYNTH_MS = 300_000;
/**
 * aws-cdk-lib's built-in CloudFormation schema validation (a WebAssembly linter) costs ~9 s of CPU per synth.
 * infra/test/nag.test.ts keeps it on and asserts an empty validation report for the same stacks, so the CLI
 * tests, which check what the command prints, skip it.
 */
const NO_CFN_VALIDATION = { CDK_VALIDATION: 'false' };

/** Runs the compiled CLI with a clean AWS environment and a temporary HOME; killed after `timeoutMs`. */
async function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'infra-cli-home-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...clean, HOME: home, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    rmSync(home, { recursive: true, force: true });
  }
}

/** A stand-in Invoke API: records requests and answers like Lambda (success, or a function error with a log tail). */
function fakeLambda(): {
  ready: Promise<void>;
  url: () => string;
  requests: Array<{ path: string; headers: IncomingMessage['headers']; body: string }>;
  close: () => void;
} {
  const requests: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const failing = body.includes('"fail"');
      res.setHeader('x-amzn-RequestId', 'req-1');
      res.setHeader('X-Amz-Executed-Version', '$LATEST');
      if (req.headers['x-amz-log-type'] === 'Tail') {
        res.setHeader(
          'X-Amz-Log-Result',
          Buffer.from('START RequestId: req-1\nEND RequestId: req-1\n').toString('base64'),
        );
      }
      if (failing) res.setHeader('X-Amz-Function-Error', 'Unhandled');
      res.end(failing ? '{"errorType":"Error","errorMessage":"boom"}' : '{"statusCode":200,"body":1}');
    });
  });
  const ready = once(server.listen(0, '127.0.0.1'), 'listening').then(() => undefined);
  return {
    ready,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => server.close(),
  };
}

describe('lambda-ml invoke', () => {
  const lambda = fakeLambda();
  before(() => lambda.ready);
  after(() => lambda.close());

  it('sends the payload through the SDK to the endpoint and prints the result', async () => {
    const run = await cli(['invoke', '--endpoint', lambda.url(), '--payload', '{"data":[0,0,0,0]}']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '{"statusCode":200,"body":1}\n');
    const request = lambda.requests.at(-1);
    assert.equal(request?.path, '/2015-03-31/functions/function/invocations');
    assert.equal(request?.body, '{"data":[0,0,0,0]}');
    assert.match(String(request?.headers.authorization), /^AWS4-HMAC-SHA256 /);
  });

  it('reads @file payloads, names the function and qualifier, and prints the decoded log tail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-cli-payload-'));
    try {
      const file = join(dir, 'event.json');
      writeFileSync(file, '{"fail":true}');
      const run = await cli([
        'invoke',
        '--endpoint',
        lambda.url(),
        '--function',
        'my-fn',
        '--qualifier',
        'live',
        '--payload',
        `@${file}`,
        '--log',
      ]);
      assert.equal(run.code, 1);
      assert.equal(lambda.requests.at(-1)?.path, '/2015-03-31/functions/my-fn/invocations?Qualifier=live');
      assert.match(run.stderr, /START RequestId: req-1\nEND RequestId: req-1\n/);
      assert.match(run.stderr, /function error \(Unhandled\): \{"errorType":"Error","errorMessage":"boom"\}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives one line for a closed port', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    server.close();
    await once(server, 'close');
    const run = await cli(['invoke', '--endpoint', `http://127.0.0.1:${port}`]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `lambda-ml: cannot reach http://127.0.0.1:${port}: connection refused (is the emulator or endpoint running?)\n`,
    );
  });

  it('rejects a payload that is not JSON and an endpoint that is not a URL, naming the flag', async () => {
    const bad = await cli(['invoke', '--endpoint', lambda.url(), '--payload', '{data']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^lambda-ml: --payload must be JSON/);
    const url = await cli(['invoke', '--endpoint', 'localhost-9000']);
    assert.match(
      url.stderr,
      /--endpoint must be a URL like http:\/\/127\.0\.0\.1:9000, got 'localhost-9000'/,
    );
  });
});

describe('lambda-ml cost', () => {
  it('prints the fixture estimate', async () => {
    const run = await cli([
      'cost',
      '--requests',
      '10000000',
      '--duration-ms',
      '50',
      '--memory',
      '1024',
      '--arch',
      'arm64',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /compute +\$1\.33/);
    assert.match(run.stdout, /requests +\$1\.80/);
    assert.match(run.stdout, /total +\$3\.13 per month/);
  });

  it('takes duration and init time from a bench report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-cli-bench-'));
    try {
      const file = join(dir, 'bench.json');
      writeFileSync(
        file,
        JSON.stringify({ cold: { runs: 3, medianMs: 420, allMs: [] }, warm: { latency: { meanMs: 3.7 } } }),
      );
      const run = await cli([
        'cost',
        '--requests',
        '1000000',
        '--memory',
        '1024',
        '--from-bench',
        file,
        '--cold-start-ratio',
        '0.01',
        '--json',
      ]);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as {
        input: { durationMs: number; initMs: number; coldStartRatio: number };
      };
      assert.deepEqual(
        [report.input.durationMs, report.input.initMs, report.input.coldStartRatio],
        [3.7, 420, 0.01],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the flag of a negative or missing number', async () => {
    const negative = await cli(['cost', '--requests', '10', '--duration-ms', '-5', '--memory', '1024']);
    assert.equal(negative.code, 1);
    assert.equal(negative.stderr, "lambda-ml: --duration-ms must be a number > 0 and <= 900000, got '-5'\n");
    const missing = await cli(['cost', '--duration-ms', '5', '--memory', '1024']);
    assert.equal(missing.stderr, 'lambda-ml: --requests is required: expected a number\n');
  });
});

describe('lambda-ml synth and deploy', () => {
  it('synthesizes offline and lists the template resources, rollout and batch pipeline included', async () => {
    const out = mkdtempSync(join(tmpdir(), 'infra-cli-synth-'));
    try {
      const run = await cli(
        ['synth', '--out', out, '--memory', '2048', '--rollout', 'linear', '--batch'],
        NO_CFN_VALIDATION,
        SYNTH_MS,
      );
      assert.equal(run.code, 0, run.stderr);
      for (const type of [
        'AWS::Lambda::Function',
        'AWS::Lambda::Alias',
        'AWS::Lambda::Url',
        'AWS::Logs::LogGroup',
        'AWS::CloudWatch::Alarm',
        'AWS::CodeDeploy::DeploymentGroup',
        'AWS::CodeDeploy::DeploymentConfig',
        'AWS::StepFunctions::StateMachine',
        'AWS::S3::Bucket',
      ]) {
        assert.match(run.stdout, new RegExp(type.replaceAll(':', '\\:')));
      }
      // The app pins the function to the model the image build trains (the checked-in config).
      const template = JSON.parse(readFileSync(join(out, 'LambdaMl.template.json'), 'utf8'));
      const fn = Object.values(
        template.Resources as Record<
          string,
          { Type: string; Properties: { Environment?: { Variables?: Record<string, string> } } }
        >,
      ).find((r) => r.Type === 'AWS::Lambda::Function');
      const trained = serializeArtifact(trainFromConfig(JSON.parse(readFileSync(CONFIG, 'utf8'))));
      assert.equal(
        fn?.Properties.Environment?.Variables?.MODEL_SHA256,
        createHash('sha256').update(trained).digest('hex'),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('fails synth naming an invalid option', async () => {
    const out = mkdtempSync(join(tmpdir(), 'infra-cli-synth-'));
    try {
      const run = await cli(
        ['synth', '--out', out, '--provisioned', '5', '--reserved', '2'],
        NO_CFN_VALIDATION,
        SYNTH_MS,
      );
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /provisionedConcurrency \(5\) must not exceed reservedConcurrency \(2\)/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('bootstrap fails fast without AWS credentials, naming the command that bootstraps', async () => {
    const run = await cli(['bootstrap']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^lambda-ml: no AWS credentials found\./);
    assert.match(run.stderr, /bootstrap the account once with `npx lambda-ml bootstrap`/);
  });

  it('deploy fails fast without AWS credentials and says how to configure them', async () => {
    const run = await cli(['deploy']);
    assert.equal(run.code, 1);
    // The message is the first thing on stderr: the CDK app never started (it prints before anything fails).
    assert.match(run.stderr, /^lambda-ml: no AWS credentials found\. Configure them with `aws configure`/);
    assert.equal(run.stdout, '');
  });
});

describe('lambda-ml doctor', () => {
  /** A stand-in SSM endpoint (AWS JSON protocol) that knows the CDK bootstrap parameter, or not. */
  async function fakeSsm(
    version: string | null,
  ): Promise<{ url: string; close: () => void; targets: string[] }> {
    const targets: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      targets.push(String(req.headers['x-amz-target']));
      req.resume();
      req.on('end', () => {
        const body =
          version === null
            ? JSON.stringify({ __type: 'ParameterNotFound', message: '' })
            : JSON.stringify({
                Parameter: { Name: '/cdk-bootstrap/hnb659fds/version', Value: version, Type: 'String' },
              });
        res.writeHead(version === null ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => server.close(), targets };
  }

  const account = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };

  it('names what deploy lacks without credentials and exits 1', async () => {
    const run = await cli(['doctor']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^MISSING\s+AWS credentials\s+none found/m);
    assert.match(run.stdout, /-> `aws configure`/);
    assert.match(run.stdout, /^skipped\s+CDK bootstrap\s+needs AWS credentials and a region first$/m);
    assert.match(run.stdout, /thing\(s\) to fix before `npx lambda-ml deploy`/);
  });

  it('reads the CDK bootstrap version from SSM, and says to bootstrap when it is missing', async () => {
    const ready = await fakeSsm('21');
    try {
      const run = await cli(['doctor'], { ...account, AWS_ENDPOINT_URL_SSM: ready.url });
      assert.match(run.stdout, /^ok\s+CDK bootstrap\s+bootstrap stack version 21 in eu-west-1$/m);
      assert.deepEqual(ready.targets, ['AmazonSSM.GetParameter']);
    } finally {
      ready.close();
    }
    const none = await fakeSsm(null);
    try {
      const run = await cli(['doctor'], { ...account, AWS_ENDPOINT_URL_SSM: none.url });
      assert.equal(run.code, 1);
      assert.match(run.stdout, /^MISSING\s+CDK bootstrap\s+eu-west-1 is not bootstrapped for the CDK$/m);
      assert.match(run.stdout, /-> `npx lambda-ml bootstrap`/);
    } finally {
      none.close();
    }
  });
});
