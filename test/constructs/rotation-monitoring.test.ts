import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import {
  Duration,
  ManagedApiKey,
  RotationService,
  RotationServiceProps,
  UsagePlan,
} from '../../constructs';
import { sweepPeriodSeconds } from '../../constructs/rotation-monitoring';
import { GAUGE_UNITS, METRIC_UNITS } from '../../lambdas/rotation/metrics';
import { newStack, resourcesOf, synthJson, SynthJson } from '../support/stack';

const TOPIC_ARN = /^\$\{aws_sns_topic\.Rotation_Monitoring_AlarmTopic_[0-9A-F]+\.arn\}$/;
const KEY_ARN = /^\$\{aws_kms_key\.Rotation_Key_[0-9A-F]+\.arn\}$/;

function synth(props: RotationServiceProps = {}, consumers = 2): SynthJson {
  const stack = newStack();
  new RotationService(stack, 'Rotation', props);
  const api = new ApiGatewayRestApi(stack, 'Api', { name: 'orders' });
  const gold = new UsagePlan(stack, 'Gold', {
    name: 'gold',
    apiStages: [
      { api, stage: 'prod' },
      { api: 'legacy1', stage: 'v1' },
    ],
  });
  for (let i = 0; i < consumers; i++) {
    new ManagedApiKey(stack, `C${i}`, { consumer: `consumer-${i}`, usagePlans: [gold] });
  }
  return synthJson(stack);
}

type Alarm = Record<string, unknown> & { alarm_name: string };
const alarmsOf = (json: SynthJson) =>
  Object.fromEntries(
    (resourcesOf(json, 'aws_cloudwatch_metric_alarm') as Alarm[]).map((a) => [a.alarm_name, a])
  );
const keyPolicyOf = (json: SynthJson) =>
  JSON.parse(resourcesOf(json, 'aws_kms_key')[0].policy as string) as {
    Statement: { Sid: string }[];
  };

describe('RotationService monitoring', () => {
  const json = synth();

  test('makes one alarm topic, encrypted with the service KMS key', () => {
    const topics = resourcesOf(json, 'aws_sns_topic');
    expect(topics).toHaveLength(1);
    expect(topics[0]).toMatchObject({ name: 'keyplane-test-alarms' });
    expect(topics[0].kms_master_key_id).toMatch(KEY_ARN);
  });

  test("lets only this account's CloudWatch alarms publish to the topic", () => {
    const [policy] = resourcesOf(json, 'aws_sns_topic_policy');
    expect(policy.arn).toMatch(TOPIC_ARN);
    const document = JSON.parse(policy.policy as string);
    expect(document.Statement).toEqual([
      {
        Sid: 'CloudWatchAlarmsOfThisAccountPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: expect.stringMatching(TOPIC_ARN),
        Condition: {
          StringEquals: {
            'aws:SourceAccount': expect.stringMatching(/caller_identity.*account_id/),
          },
          ArnLike: {
            'aws:SourceArn': expect.stringMatching(
              /^arn:\$\{.+\}:cloudwatch:\$\{.+\}:\$\{.+\}:alarm:\*$/
            ),
          },
        },
      },
    ]);
  });

  test('lets CloudWatch alarms of this account use the key for the encrypted topic', () => {
    const statement = keyPolicyOf(json).Statement.find(
      (s) => s.Sid === 'CloudWatchAlarmsPublishToTheEncryptedAlarmTopic'
    );
    expect(statement).toEqual({
      Sid: 'CloudWatchAlarmsPublishToTheEncryptedAlarmTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': expect.stringMatching(/account_id/) },
        ArnLike: { 'aws:SourceArn': expect.stringMatching(/:cloudwatch:.*:alarm:\*$/) },
      },
    });
  });

  test('raises seven alarms, each notifying the topic when it fires and when it clears', () => {
    const alarms = alarmsOf(json);
    expect(Object.keys(alarms).sort()).toEqual([
      'keyplane-test-dead-letters',
      'keyplane-test-function-errors',
      'keyplane-test-held-keys',
      'keyplane-test-key-budget',
      'keyplane-test-overdue-consumers',
      'keyplane-test-rotation-failures',
      'keyplane-test-sweep-failures',
    ]);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.alarm_actions).toEqual([expect.stringMatching(TOPIC_ARN)]);
      expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
    }
  });

  test('alarms on failures as soon as one happens', () => {
    const alarms = alarmsOf(json);
    const atLeastOne = {
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      evaluation_periods: 1,
      treat_missing_data: 'notBreaching',
    };
    expect(alarms['keyplane-test-rotation-failures']).toMatchObject({
      namespace: 'Keyplane',
      metric_name: 'RotationFailures',
      dimensions: { Service: 'keyplane-test' },
      statistic: 'Sum',
      period: 300,
      ...atLeastOne,
    });
    expect(alarms['keyplane-test-sweep-failures']).toMatchObject({
      namespace: 'Keyplane',
      metric_name: 'SweepFailures',
      dimensions: { Service: 'keyplane-test' },
      period: 3600,
      ...atLeastOne,
    });
    expect(alarms['keyplane-test-function-errors']).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: 'keyplane-test-rotation' },
      ...atLeastOne,
    });
    expect(alarms['keyplane-test-dead-letters']).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: {
        QueueName: expect.stringMatching(
          /^\$\{aws_sqs_queue\.Rotation_DeadLetterQueue_.+\.name\}$/
        ),
      },
      statistic: 'Maximum',
      ...atLeastOne,
    });
  });

  test('alarms on an overdue consumer, and on two sweep periods of three without a sweep', () => {
    expect(alarmsOf(json)['keyplane-test-overdue-consumers']).toMatchObject({
      namespace: 'Keyplane',
      metric_name: 'OverdueConsumers',
      dimensions: { Service: 'keyplane-test' },
      statistic: 'Maximum',
      period: 3600,
      evaluation_periods: 3,
      datapoints_to_alarm: 2,
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'breaching',
    });
  });

  test('alarms when a sweep holds an outgoing key still in use past its grace period', () => {
    expect(alarmsOf(json)['keyplane-test-held-keys']).toMatchObject({
      namespace: 'Keyplane',
      metric_name: 'HeldKeys',
      statistic: 'Maximum',
      period: 3600,
      evaluation_periods: 1,
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'notBreaching',
    });
  });

  test('every Keyplane metric it reads is one the Lambda publishes', () => {
    const published = new Set([...Object.keys(METRIC_UNITS), ...Object.keys(GAUGE_UNITS)]);
    const alarmMetrics = Object.values(alarmsOf(json))
      .filter((a) => a.namespace === 'Keyplane')
      .map((a) => a.metric_name as string);
    const dashboardMetrics = graphMetrics(json)
      .filter((m) => m[0] === 'Keyplane')
      .map((m) => m[1] as string);
    expect(alarmMetrics.length).toBeGreaterThan(0);
    expect(dashboardMetrics.length).toBeGreaterThan(0);
    for (const name of [...alarmMetrics, ...dashboardMetrics]) expect(published).toContain(name);
  });

  test('sets the overdue margin on the Lambda: 2 days unless given', () => {
    const variables = (j: SynthJson) =>
      (
        resourcesOf(j, 'aws_lambda_function')[0].environment as {
          variables: Record<string, string>;
        }
      ).variables;
    expect(variables(json).KEYPLANE_OVERDUE_MARGIN_SECONDS).toBe('172800');
    expect(
      variables(synth({ overdueMargin: Duration.hours(12) })).KEYPLANE_OVERDUE_MARGIN_SECONDS
    ).toBe('43200');
  });

  test('adds nothing per consumer', () => {
    const count = (j: SynthJson) =>
      [
        'aws_sns_topic',
        'aws_sns_topic_policy',
        'aws_cloudwatch_metric_alarm',
        'aws_cloudwatch_dashboard',
      ].map((type) => resourcesOf(j, type).length);
    expect(count(synth({}, 1))).toEqual([1, 1, 7, 1]);
    expect(count(synth({}, 6))).toEqual([1, 1, 7, 1]);
  });

  describe('dashboard', () => {
    const [dashboard] = resourcesOf(json, 'aws_cloudwatch_dashboard');
    const body = JSON.parse(dashboard.dashboard_body as string) as {
      widgets: {
        type: string;
        x: number;
        y: number;
        width: number;
        properties: Record<string, unknown>;
      }[];
    };

    test('is named after the service and fits the 24-column grid', () => {
      expect(dashboard.dashboard_name).toBe('keyplane-test');
      for (const widget of body.widgets) expect(widget.x + widget.width).toBeLessThanOrEqual(24);
    });

    test("graphs the service's metrics, the Lambda's and the dead-letter queue's", () => {
      const metrics = graphMetrics(json).map((m) => m.slice(0, 4).join(' '));
      for (const name of [
        'Rotations',
        'Retirements',
        'Deletions',
        'RotationFailures',
        'SweepFailures',
        'OverdueConsumers',
      ]) {
        expect(metrics).toContain(`Keyplane ${name} Service keyplane-test`);
      }
      for (const name of ['Errors', 'Invocations', 'Throttles', 'Duration']) {
        expect(metrics).toContain(`AWS/Lambda ${name} FunctionName keyplane-test-rotation`);
      }
      expect(metrics).toContainEqual(
        expect.stringMatching(
          /^AWS\/SQS ApproximateNumberOfMessagesVisible QueueName \$\{aws_sqs_queue/
        )
      );
    });

    test("graphs the requests of each plan's stages by API name, and names those it cannot", () => {
      expect(graphMetrics(json).filter((m) => m[0] === 'AWS/ApiGateway')).toEqual([
        [
          'AWS/ApiGateway',
          'Count',
          'ApiName',
          expect.stringMatching(/^\$\{aws_api_gateway_rest_api\.Api\.name\}$/),
          'Stage',
          'prod',
          { label: expect.stringMatching(/^gold: .* prod$/) },
        ],
      ]);
      const notes = body.widgets.map((w) => String(w.properties.markdown ?? '')).join('\n');
      expect(notes).toMatch(/no metric per usage plan or key/);
      expect(notes).toMatch(/Not graphed .*gold legacy1\/v1/);
    });
  });

  describe('with e-mail subscriptions', () => {
    test('subscribes each address to the topic', () => {
      const subs = resourcesOf(
        synth({ alarmEmails: ['oncall@example.com', 'team@example.org'] }),
        'aws_sns_topic_subscription'
      );
      expect(subs.map((s) => [s.protocol, s.endpoint])).toEqual([
        ['email', 'oncall@example.com'],
        ['email', 'team@example.org'],
      ]);
      for (const sub of subs) expect(sub.topic_arn).toMatch(TOPIC_ARN);
    });

    test('fails when an address is not one', () => {
      expect(() => synth({ alarmEmails: ['oncall@example.com', 'pager'] })).toThrow(
        /^test\/Rotation: alarmEmails\[1\] must be an e-mail address such as oncall@example.com, got "pager"$/
      );
    });

    test('fails when an address is listed twice', () => {
      expect(() => synth({ alarmEmails: ['a@example.com', 'A@example.com'] })).toThrow(
        /test\/Rotation: alarmEmails lists "A@example.com" twice/
      );
    });
  });

  describe('with an existing topic', () => {
    const existing = 'arn:aws:sns:us-east-1:111122223333:team-pager';
    const custom = synth({
      alarmTopicArn: existing,
      alarmActions: ['arn:aws:sns:us-east-1:111122223333:audit'],
    });

    test('creates no topic and leaves the key policy alone', () => {
      expect(resourcesOf(custom, 'aws_sns_topic')).toHaveLength(0);
      expect(resourcesOf(custom, 'aws_sns_topic_policy')).toHaveLength(0);
      expect(keyPolicyOf(custom).Statement.map((s) => s.Sid)).not.toContain(
        'CloudWatchAlarmsPublishToTheEncryptedAlarmTopic'
      );
    });

    test('sends every alarm there, and to the further actions', () => {
      for (const alarm of Object.values(alarmsOf(custom))) {
        expect(alarm.alarm_actions).toEqual([existing, 'arn:aws:sns:us-east-1:111122223333:audit']);
      }
    });

    test('fails when the ARN is not a topic ARN', () => {
      expect(() => synth({ alarmTopicArn: 'arn:aws:sqs:us-east-1:111122223333:queue' })).toThrow(
        /test\/Rotation: alarmTopicArn must be an SNS topic ARN .*, got "arn:aws:sqs/
      );
    });
  });
});

describe('sweepPeriodSeconds', () => {
  test.each([
    ['rate(1 hour)', 3600],
    ['rate(30 minutes)', 1800],
    ['rate(1 minute)', 300],
    ['rate(1 day)', 86400],
    ['rate(7 days)', 172800],
    ['cron(0 * * * ? *)', 86400],
  ])('%s -> %d', (schedule, seconds) => {
    expect(sweepPeriodSeconds(schedule)).toBe(seconds);
  });
});

/** Every metric array of every graph of the dashboard. */
function graphMetrics(json: SynthJson): unknown[][] {
  const [dashboard] = resourcesOf(json, 'aws_cloudwatch_dashboard');
  const body = JSON.parse(dashboard.dashboard_body as string) as {
    widgets: { type: string; properties: { metrics?: unknown[][] } }[];
  };
  return body.widgets.filter((w) => w.type === 'metric').flatMap((w) => w.properties.metrics ?? []);
}
