// cdk-nag AwsSolutionsChecks finds nothing to report on the stack, and synthesis is deterministic.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { applyNag } from '../lib/nag.js';
import { LambdaMlStack } from '../lib/stack.js';

function synthWithNag(extra?: (stack: LambdaMlStack) => void): { template: string; report: unknown } {
  const app = new App();
  const stack = new LambdaMlStack(app, 'Nag', {
    model: { provisionedConcurrency: 1, reservedConcurrency: 2 },
  });
  extra?.(stack);
  applyNag(app);
  const assembly = app.synth();
  return {
    template: readFileSync(join(assembly.directory, 'Nag.template.json'), 'utf8'),
    report: JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')),
  };
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('reports zero findings and needs no acknowledgements', () => {
    const { template, report } = synthWithNag();
    assert.deepEqual((report as { pluginReports: unknown[] }).pluginReports, []);
    assert.doesNotMatch(template, /rules_to_suppress/);
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
  it('gives identical templates twice, with no timestamps', () => {
    const first = synthWithNag().template;
    const second = synthWithNag().template;
    assert.equal(first, second);
    assert.doesNotMatch(first, /20\d\d-\d\d-\d\dT\d\d:/);
  });
});
