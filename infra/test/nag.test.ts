// cdk-nag AwsSolutionsChecks finds nothing to report on the stack, and synthesis is deterministic.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { BatchScoringOptions } from '../lib/batch-options.js';
import { applyNag } from '../lib/nag.js';
import { LambdaMlStack } from '../lib/stack.js';

function synthWithNag(
  extra?: (stack: LambdaMlStack) => void,
  batch?: BatchScoringOptions,
): { template: string; report: unknown } {
  const app = new App();
  const stack = new LambdaMlStack(app, 'Nag', {
    model: { provisionedConcurrency: 1, reservedConcurrency: 2 },
    ...(batch === undefined ? {} : { batch }),
  });
  extra?.(stack);
  applyNag(app);
  const assembly = app.synth();
  return {
    template: readFileSync(join(assembly.directory, 'Nag.template.json'), 'utf8'),
    report: JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')),
  };
}

/** Every cdk-nag acknowledgement written into the template, with its reason. */
function acknowledgements(template: string): Array<{ id: string; reason: string }> {
  const resources = Object.values(JSON.parse(template).Resources) as Array<{
    Metadata?: { cdk_nag?: { rules_to_suppress?: Array<{ id: string; reason: string }> } };
  }>;
  return resources.flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('reports zero findings for the function, its rollout, scaling, alarm topic and failure queue', () => {
    const { template, report } = synthWithNag();
    assert.deepEqual((report as { pluginReports: unknown[] }).pluginReports, []);
    // One acknowledgement: the async failure queue is itself a dead-letter queue (no DLQ of its own).
    assert.deepEqual(
      acknowledgements(template).map((a) => a.id),
      ['AwsSolutions-SQS3'],
    );
  });

  it('with a public URL and an alarm email: still zero findings', () => {
    // cdk-nag is a policy-validation plugin; the schema validation the first test keeps on is not needed here.
    const app = new App({ builtinCloudFormationValidation: false });
    new LambdaMlStack(app, 'Public', {
      model: { functionUrlAuth: 'NONE', alarmEmail: 'ops@example.com', modelSha256: 'ab'.repeat(32) },
    });
    applyNag(app);
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    assert.deepEqual(report.pluginReports, []);
  });

  it('with the batch pipeline: zero findings, each acknowledgement a named wildcard with its reason', () => {
    const { template, report } = synthWithNag(undefined, {});
    assert.deepEqual((report as { pluginReports: unknown[] }).pluginReports, []);
    const acknowledged = acknowledgements(template);
    const ids = new Set(acknowledged.map((a) => a.id));
    assert.deepEqual([...ids].map((id) => id.replace(/[A-Z][A-Za-z]+[0-9A-F]{8}/g, '<id>')).sort(), [
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<<id>.Arn>/input/*]',
      'AwsSolutions-IAM5[Resource::<<id>.Arn>/output/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"<id>"}]}]}/ScoreCsv:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"<id>"}]}]}/ScoreJsonLines:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"<id>"}]}]}:*]',
      'AwsSolutions-S1',
      'AwsSolutions-SQS3',
    ]);
    for (const { reason } of acknowledged) assert.ok(reason.length > 40, reason);
  });

  it('does fail synth on a finding (the check is live)', (t) => {
    // The failing report is printed by CDK; keep it out of the test log.
    t.mock.method(console, 'error', () => undefined);
    t.mock.method(console, 'log', () => undefined);
    t.mock.method(process.stderr, 'write', () => true);
    assert.throws(
      () =>
        synthWithNag((stack) => {
          const role = new iam.Role(stack, 'TooBroad', {
            assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
          });
          role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
        }),
      /Validation failed/,
    );
  });
});

describe('synthesis', () => {
  it('gives identical templates twice (batch pipeline included), with no timestamps', () => {
    const first = synthWithNag(undefined, {}).template;
    const second = synthWithNag(undefined, {}).template;
    assert.equal(first, second);
    assert.doesNotMatch(first, /20\d\d-\d\d-\d\dT\d\d:/);
  });
});
