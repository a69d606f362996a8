import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { SECONDS_PER } from '../contract/durations';
import { METRICS_DIMENSION, METRICS_NAMESPACE } from '../contract/metrics';
import { sweepIntervalSeconds } from '../contract/sweep-schedule';
import { dashboardBody, DashboardMetric, DashboardWidget } from './dashboard-body';
import { conflict } from './errors';
import { FAILURE_PERIOD_SECONDS, rotationAlarms } from './rotation-alarms';
import type { UsagePlan } from './usage-plan';
import { requirePattern } from './validation';

/** What {@link RotationMonitoring} watches and where it sends alarms. */
export interface RotationMonitoringProps {
  /** Name of the rotation service: it names the topic, alarms and dashboard. */
  readonly serviceName: string;
  /** Name of the rotation Lambda. */
  readonly functionName: string;
  /** Name of the Lambda's dead-letter queue. */
  readonly deadLetterQueueName: string;
  /** The Lambda's log group, named in alarm descriptions. */
  readonly logGroupName: string;
  /** The service's KMS key, which encrypts the alarm topic it creates. */
  readonly kmsKeyArn: string;
  /** AWS partition, region and account of the stack (tokens). */
  readonly partition: string;
  /** AWS region of the stack. */
  readonly region: string;
  /** AWS account of the stack. */
  readonly account: string;
  /** The sweep's EventBridge schedule expression; the overdue alarm's period follows it. */
  readonly sweepSchedule: string;
  /** Addresses subscribed to the alarm topic. */
  readonly alarmEmails: readonly string[];
  /**
   * An existing topic to send alarms to.
   * @default - a topic `<serviceName>-alarms` encrypted with the service's KMS key
   */
  readonly alarmTopicArn?: string;
  /** Further ARNs notified on every alarm and recovery. */
  readonly extraAlarmActions: readonly string[];
  /** The usage plans of the service's consumers, whose traffic the dashboard shows. */
  readonly usagePlans: () => readonly UsagePlan[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** CloudWatch accepts at most 7 days of evaluation; three periods of 2 days fit. */
const MAX_SWEEP_PERIOD_SECONDS = 2 * SECONDS_PER.day;

/**
 * The rotation service's monitoring: an alarm topic (KMS-encrypted, publishable only by this
 * account's CloudWatch alarms), optional e-mail subscriptions, six alarms and a dashboard.
 * Every resource is per stack; nothing is added per consumer (the overdue check is a metric the
 * sweep publishes, not an alarm per key).
 *
 * Alarms, each notifying the topic on ALARM and on OK:
 * - `<service>-rotation-failures`: a rotation step or a revoke failed (metric RotationFailures);
 * - `<service>-sweep-failures`: a sweep failed or could not fix a key (SweepFailures);
 * - `<service>-function-errors`: the Lambda failed, crashed or timed out (AWS/Lambda Errors);
 * - `<service>-dead-letters`: an invocation failed for good and waits in the dead-letter queue;
 * - `<service>-overdue-consumers`: a consumer's key is older than its schedule plus the margin
 *   (OverdueConsumers > 0), or no sweep reported at all (missing data is breaching);
 * - `<service>-held-keys`: a sweep held an outgoing key still in use past its grace period
 *   (HeldKeys > 0): a consumer has not moved to its new key (`keyplane status` names it).
 */
export class RotationMonitoring extends Construct {
  /** ARN of the topic the alarms notify. */
  readonly alarmTopicArn: string;
  /** Name of the CloudWatch dashboard. */
  readonly dashboardName: string;
  /** Statements the service's KMS key policy needs so CloudWatch can use the encrypted topic. */
  readonly keyPolicyStatements: readonly object[];

  constructor(scope: Construct, id: string, props: RotationMonitoringProps) {
    super(scope, id);
    const path = scope.node.path;
    validateEmails(path, props.alarmEmails);
    if (props.alarmTopicArn !== undefined) {
      requirePattern(
        path,
        'alarmTopicArn',
        props.alarmTopicArn,
        TOPIC_ARN,
        'be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)'
      );
    }

    const topic = this.createTopic(props);
    this.alarmTopicArn = topic.arn;
    this.keyPolicyStatements = topic.keyPolicyStatements;
    for (const email of props.alarmEmails) {
      new SnsTopicSubscription(this, `Email-${email}`, {
        topicArn: this.alarmTopicArn,
        protocol: 'email',
        endpoint: email,
      });
    }
    this.createAlarms(props);
    this.dashboardName = props.serviceName;
    new CloudwatchDashboard(this, 'Dashboard', {
      dashboardName: this.dashboardName,
      dashboardBody: Lazy.stringValue({
        produce: () =>
          dashboardBody(
            props.region,
            serviceWidgets(props, sweepPeriodSeconds(props.sweepSchedule), [
              ...new Set(props.usagePlans()),
            ])
          ),
      }),
    });
  }

  /** The alarm topic (unless one is given) and the key policy statements it needs. */
  private createTopic(props: RotationMonitoringProps): {
    arn: string;
    keyPolicyStatements: readonly object[];
  } {
    const alarmArns = `arn:${props.partition}:cloudwatch:${props.region}:${props.account}:alarm:*`;
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': props.account },
      ArnLike: { 'aws:SourceArn': alarmArns },
    };
    if (props.alarmTopicArn === undefined) {
      const topic = new SnsTopic(this, 'AlarmTopic', {
        name: `${props.serviceName}-alarms`,
        displayName: `keyplane ${props.serviceName} alarms`,
        kmsMasterKeyId: props.kmsKeyArn,
      });
      new SnsTopicPolicy(this, 'AlarmTopicPolicy', {
        arn: topic.arn,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'CloudWatchAlarmsOfThisAccountPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: topic.arn,
              Condition: fromThisAccountsAlarms,
            },
          ],
        }),
      });
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
      const keyPolicyStatements = [
        {
          Sid: 'CloudWatchAlarmsPublishToTheEncryptedAlarmTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: fromThisAccountsAlarms,
        },
      ];
      return { arn: topic.arn, keyPolicyStatements };
    }
    return { arn: props.alarmTopicArn, keyPolicyStatements: [] };
  }

  /** The six alarms, each notifying the topic and the extra actions on ALARM and on OK. */
  private createAlarms(props: RotationMonitoringProps): void {
    const actions = [this.alarmTopicArn, ...props.extraAlarmActions];
    for (const alarm of rotationAlarms(props, sweepPeriodSeconds(props.sweepSchedule))) {
      new CloudwatchMetricAlarm(this, alarm.id, {
        ...alarm.settings,
        alarmName: `${props.serviceName}-${alarm.name}`,
        alarmDescription: `keyplane ${props.serviceName}: ${alarm.description}`,
        alarmActions: actions,
        okActions: actions,
      });
    }
  }
}

function validateEmails(path: string, emails: readonly string[]): void {
  const seen = new Set<string>();
  emails.forEach((email, index) => {
    requirePattern(
      path,
      `alarmEmails[${index}]`,
      email,
      EMAIL,
      'be an e-mail address such as oncall@example.com'
    );
    if (seen.has(email.toLowerCase())) {
      throw conflict(path, `alarmEmails lists ${JSON.stringify(email)} twice`);
    }
    seen.add(email.toLowerCase());
  });
}

/**
 * Seconds between sweeps for a `rate(...)` schedule, at least 5 minutes and at most 2 days; a
 * `cron(...)` schedule is taken as daily.
 */
export function sweepPeriodSeconds(schedule: string): number {
  const seconds = sweepIntervalSeconds(schedule);
  return Math.min(Math.max(seconds, FAILURE_PERIOD_SECONDS), MAX_SWEEP_PERIOD_SECONDS);
}

/** The dashboard: what the service did, what failed, and the traffic of the plans' stages. */
function serviceWidgets(
  props: RotationMonitoringProps,
  sweepPeriod: number,
  plans: readonly UsagePlan[]
): DashboardWidget[] {
  const keyplane = (metricName: string, label: string): DashboardMetric => ({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensions: { [METRICS_DIMENSION]: props.serviceName },
    label,
  });
  const lambda = (metricName: string, stat: string, label: string): DashboardMetric => ({
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: { FunctionName: props.functionName },
    stat,
    label,
  });
  const stages = plans.flatMap((plan) =>
    plan.apiStages.map((stage) => ({ plan: plan.planName, ...stage }))
  );
  const named = stages.filter((stage) => stage.apiName !== undefined);
  const byId = stages.filter((stage) => stage.apiName === undefined);
  return [
    {
      kind: 'text',
      markdown: [
        `## keyplane ${props.serviceName}`,
        `Rotation Lambda \`${props.functionName}\`, logs \`${props.logGroupName}\`. ` +
          'The alarms and what to do about each are in the keyplane README (On-call).',
      ].join('\n'),
      height: 2,
    },
    {
      kind: 'graph',
      title: 'Keys: rotations, retirements, deletions',
      stat: 'Sum',
      period: 3_600,
      metrics: [
        keyplane('Rotations', 'rotations'),
        keyplane('Retirements', 'retirements'),
        keyplane('Deletions', 'deletions'),
      ],
    },
    {
      kind: 'graph',
      title: 'Failures',
      stat: 'Sum',
      period: FAILURE_PERIOD_SECONDS,
      metrics: [
        keyplane('RotationFailures', 'rotation failures'),
        keyplane('SweepFailures', 'sweep failures'),
        lambda('Errors', 'Sum', 'Lambda errors (incl. timeouts)'),
      ],
    },
    {
      kind: 'graph',
      title: 'Overdue consumers and held keys (reported by each sweep)',
      stat: 'Maximum',
      period: sweepPeriod,
      metrics: [
        keyplane('OverdueConsumers', 'overdue consumers'),
        keyplane('HeldKeys', 'keys held past their grace period'),
      ],
    },
    {
      kind: 'graph',
      title: 'Dead-letter queue depth',
      stat: 'Maximum',
      period: FAILURE_PERIOD_SECONDS,
      metrics: [
        {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: props.deadLetterQueueName },
          label: 'messages',
        },
      ],
    },
    {
      kind: 'graph',
      title: 'Rotation Lambda: invocations and duration (ms)',
      stat: 'Sum',
      period: FAILURE_PERIOD_SECONDS,
      metrics: [
        lambda('Invocations', 'Sum', 'invocations'),
        lambda('Throttles', 'Sum', 'throttles'),
        lambda('Duration', 'Average', 'duration avg'),
        lambda('Duration', 'Maximum', 'duration max'),
      ],
    },
    ...(named.length === 0
      ? []
      : [
          {
            kind: 'graph' as const,
            title: "API requests on each usage plan's stages",
            stat: 'Sum',
            period: 3_600,
            width: 24,
            metrics: named.map((stage) => ({
              namespace: 'AWS/ApiGateway',
              metricName: 'Count',
              dimensions: { ApiName: stage.apiName!, Stage: stage.stageName },
              label: `${stage.plan}: ${stage.apiName} ${stage.stageName}`,
            })),
          },
        ]),
    {
      kind: 'text',
      markdown: [
        'API Gateway publishes no metric per usage plan or key, only per API stage: a stage ' +
          'graph counts every request to it, whichever key (or plan) made it. Per-key usage: `npx keyplane usage <consumer>`.',
        ...(byId.length > 0
          ? [
              `Not graphed (given by API id; AWS/ApiGateway names APIs): ${byId
                .map((stage) => `${stage.plan} ${stage.apiId}/${stage.stageName}`)
                .join(', ')}.`,
            ]
          : []),
      ].join('\n\n'),
      height: 2,
    },
  ];
}
