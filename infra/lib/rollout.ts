// SafeRollout: CodeDeploy shifts the live alias to each new version gradually and rolls back on an alarm.
import { Annotations, Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  ALARM_REACTION_MINUTES,
  type ResolvedRollout,
  type RolloutOptions,
  resolveRollout,
} from './rollout-options.js';

export interface SafeRolloutProps
  extends Pick<RolloutOptions, 'rollout' | 'rolloutPercent' | 'rolloutIntervalMinutes'> {
  /** The alias clients call; CodeDeploy moves it from the old version to the new one. */
  readonly alias: lambda.Alias;
  /** Alarms whose ALARM state during a deployment stops it and shifts all traffic back. */
  readonly rollbackAlarms: readonly cloudwatch.Alarm[];
}

function deploymentConfig(scope: Construct, rollout: ResolvedRollout): codedeploy.ILambdaDeploymentConfig {
  const interval = Duration.minutes(rollout.intervalMinutes);
  const percentage = rollout.percent;
  switch (rollout.strategy) {
    case 'all-at-once':
      return codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE;
    case 'canary':
      return new codedeploy.LambdaDeploymentConfig(scope, 'Config', {
        trafficRouting: codedeploy.TrafficRouting.timeBasedCanary({ interval, percentage }),
      });
    case 'linear':
      return new codedeploy.LambdaDeploymentConfig(scope, 'Config', {
        trafficRouting: codedeploy.TrafficRouting.timeBasedLinear({ interval, percentage }),
      });
  }
}

/**
 * On every `cdk deploy` that publishes a new version, CloudFormation hands the alias update to
 * CodeDeploy (the alias gets a CodeDeployLambdaAliasUpdate update policy), which shifts traffic by
 * the chosen strategy and rolls back when a rollback alarm fires or the deployment fails/stops.
 * The first deployment of a stack creates the alias directly: there is no old version to protect.
 */
export class SafeRollout extends Construct {
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** CodeDeploy's service role: may read the rollback alarms and move this alias, nothing else. */
  readonly role: iam.Role;
  readonly rollout: ResolvedRollout;

  constructor(scope: Construct, id: string, props: SafeRolloutProps) {
    super(scope, id);
    this.rollout = resolveRollout(props);
    if (this.rollout.strategy !== 'all-at-once' && this.rollout.intervalMinutes < ALARM_REACTION_MINUTES) {
      Annotations.of(this).addWarningV2(
        'lambda-ml:rollout-faster-than-alarms',
        `rolloutIntervalMinutes is ${this.rollout.intervalMinutes}: the rollback alarms need ${ALARM_REACTION_MINUTES} minutes of data to fire, so a bad version may take all traffic before they can stop it`,
      );
    }
    this.role = this.serviceRole(props);
    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
      alias: props.alias,
      deploymentConfig: deploymentConfig(this, this.rollout),
      alarms: [...props.rollbackAlarms],
      // CDK would attach the AWS-managed AWSCodeDeployRoleForLambdaLimited (UpdateAlias on every
      // function in the account); an immutable view keeps the role to the inline policy below.
      role: this.role.withoutPolicyUpdates(),
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    this.deploymentGroup.node.addDependency(this.role);
  }

  private serviceRole(props: SafeRolloutProps): iam.Role {
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'lambda-ml rollout: CodeDeploy shifts the live alias and reads its rollback alarms',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
        resources: [props.alias.functionArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: props.rollbackAlarms.map((alarm) => alarm.alarmArn),
      }),
    );
    return role;
  }
}
