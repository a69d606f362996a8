import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { SECONDS_PER } from '../contract/durations';
import { sweepIntervalSeconds } from '../contract/sweep-schedule';
import { dashboardBody } from './dashboard-body';
import { conflict } from './errors';
import { FAILURE_PERIOD_SECONDS, rotationAlarms } from './rotation-alarms';
import { rotationDashboardWidgets } from './rotation-dashboard';
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
            rotationDashboardWidgets(props, sweepPeriodSeconds(props.sweepSchedule), [
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
