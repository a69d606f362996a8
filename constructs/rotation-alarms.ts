/**
 * The rotation service's seven alarms, as data: what each watches and when it fires.
 * {@link RotationMonitoring} creates them, each notifying the alarm topic on ALARM and on OK.
 */
import type { CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { METRICS_DIMENSION, METRICS_NAMESPACE } from '../contract/metrics';

/** Periods of the failure alarms: short, so a failure is reported within minutes. */
export const FAILURE_PERIOD_SECONDS = 300;

/** One alarm: its construct id, name (after `<service>-`), description and metric settings. */
export interface AlarmSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly settings: Omit<CloudwatchMetricAlarmConfig, 'alarmName' | 'alarmDescription'>;
}

/** What the alarms are about. */
export interface AlarmSubject {
  readonly serviceName: string;
  readonly functionName: string;
  readonly deadLetterQueueName: string;
  readonly logGroupName: string;
}

const AT_LEAST_ONE = {
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
};

/** The alarms of a service whose sweep runs every `sweepPeriod` seconds. */
export function rotationAlarms(subject: AlarmSubject, sweepPeriod: number): AlarmSpec[] {
  const keyplane = (metricName: string) => ({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensions: { [METRICS_DIMENSION]: subject.serviceName },
  });
  const logs = `See ${subject.logGroupName}`;
  return [
    {
      id: 'RotationFailureAlarm',
      name: 'rotation-failures',
      description: `a rotation step or a revoke failed; the consumer keeps its current key. ${logs}`,
      settings: {
        ...keyplane('RotationFailures'),
        statistic: 'Sum',
        period: FAILURE_PERIOD_SECONDS,
        ...AT_LEAST_ONE,
      },
    },
    {
      id: 'SweepFailureAlarm',
      name: 'sweep-failures',
      description: `a sweep failed or could not retire, delete or reconcile a key. ${logs}`,
      settings: {
        ...keyplane('SweepFailures'),
        statistic: 'Sum',
        period: sweepPeriod,
        ...AT_LEAST_ONE,
      },
    },
    {
      id: 'FunctionErrorAlarm',
      name: 'function-errors',
      description: `the rotation Lambda failed, crashed or timed out (any operation). ${logs}`,
      settings: {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: subject.functionName },
        statistic: 'Sum',
        period: FAILURE_PERIOD_SECONDS,
        ...AT_LEAST_ONE,
      },
    },
    {
      id: 'DeadLetterAlarm',
      name: 'dead-letters',
      description: 'an invocation failed after every retry and waits in the dead-letter queue',
      settings: {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: subject.deadLetterQueueName },
        statistic: 'Maximum',
        period: FAILURE_PERIOD_SECONDS,
        ...AT_LEAST_ONE,
      },
    },
    overdueAlarm(keyplane('OverdueConsumers'), sweepPeriod),
    {
      id: 'HeldKeysAlarm',
      name: 'held-keys',
      description:
        'an outgoing key is still in use after its grace period and is held: its consumer has not moved to the new key',
      settings: anySweepReport(keyplane('HeldKeys'), sweepPeriod),
    },
    {
      id: 'KeyBudgetAlarm',
      name: 'key-budget',
      description:
        'the service holds more API keys in the region than its key budget (keyBudget); the function refuses new keys where it can count them. Run keyplane sweep, or raise keyBudget',
      settings: anySweepReport(keyplane('KeysOverBudget'), sweepPeriod),
    },
  ];
}

/**
 * Breaches when a sweep reports any of `metric` (its maximum over one sweep period above 0). No
 * sweep, no report: the overdue alarm pages for a sweep that does not run.
 */
function anySweepReport(
  metric: Partial<CloudwatchMetricAlarmConfig>,
  sweepPeriod: number
): AlarmSpec['settings'] {
  return {
    ...metric,
    statistic: 'Maximum',
    period: sweepPeriod,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  };
}

/**
 * Fires when the sweep reports an overdue consumer (older than its schedule plus the service's
 * overdueMargin, which the sweep applies) in two of three sweep periods, or when no sweep
 * reported at all (missing data is breaching).
 */
function overdueAlarm(
  metric: Partial<CloudwatchMetricAlarmConfig>,
  sweepPeriod: number
): AlarmSpec {
  return {
    id: 'OverdueAlarm',
    name: 'overdue-consumers',
    description:
      'a consumer key is older than its rotation schedule plus the margin, or no sweep ran',
    settings: {
      ...metric,
      statistic: 'Maximum',
      period: sweepPeriod,
      // Two of three sweep periods: one late sweep is not a page, two are.
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'breaching',
    },
  };
}
