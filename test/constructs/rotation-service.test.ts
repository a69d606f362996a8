import {
  ManagedApiKey,
  RotationService,
  RotationServiceProps,
  UsagePlan,
  Duration,
} from '../../constructs';
import { rotationPolicy } from '../../constructs/rotation-policy';
import { newStack, resourcesOf, synthJson, SynthJson } from '../support/stack';

function stackWithConsumers(count: number, props: RotationServiceProps = {}): SynthJson {
  const stack = newStack();
  new RotationService(stack, 'Rotation', props);
  const gold = new UsagePlan(stack, 'Gold', {
    name: 'gold',
    apiStages: [{ api: 'api1', stage: 'v1' }],
  });
  for (let i = 0; i < count; i++)
    new ManagedApiKey(stack, `C${i}`, { consumer: `consumer-${i}`, usagePlans: [gold] });
  return synthJson(stack);
}

const only = (json: SynthJson, type: string) => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
};

describe('RotationService', () => {
  const json = stackWithConsumers(2);

  test('deploys the bundled rotation Lambda on nodejs22.x with its settings in the environment', () => {
    const fn = only(json, 'aws_lambda_function');
    expect(fn).toMatchObject({
      function_name: 'keyplane-test-rotation',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      timeout: 300,
      reserved_concurrent_executions: 10,
      kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.Rotation_Key_[0-9A-F]+\.arn\}$/),
      dead_letter_config: {
        target_arn: expect.stringMatching(
          /^\$\{aws_sqs_queue\.Rotation_DeadLetterQueue_[0-9A-F]+\.arn\}$/
        ),
      },
      environment: {
        variables: {
          KEYPLANE_SERVICE: 'keyplane-test',
          KEYPLANE_SECRET_PREFIX: 'keyplane/test/',
          KEYPLANE_DELETE_AFTER_SECONDS: '604800',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    expect(fn.filename).toMatch(/^assets\/Rotation_Bundle_[0-9A-F]+\/[0-9A-F]+\/rotation\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  test('makes a KMS key with rotation on and an explicit policy', () => {
    const key = only(json, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    const statements = JSON.parse(key.policy as string).Statement;
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual([
      'AccountAdministersKeyThroughIam',
      'CloudWatchLogsEncryptsTheRotationLogs',
      'CloudWatchAlarmsPublishToTheEncryptedAlarmTopic',
    ]);
    expect(only(json, 'aws_kms_alias').name).toBe('alias/keyplane-test');
  });

  test('keeps its logs a year, encrypted with the key', () => {
    expect(only(json, 'aws_cloudwatch_log_group')).toMatchObject({
      name: '/aws/lambda/keyplane-test-rotation',
      retention_in_days: 365,
      kms_key_id: expect.stringMatching(/aws_kms_key\.Rotation_Key_/),
    });
  });

  test("lets Secrets Manager invoke it for this stack's secrets only", () => {
    const permissions = resourcesOf(json, 'aws_lambda_permission');
    const secretsManager = permissions.find((p) => p.principal === 'secretsmanager.amazonaws.com');
    expect(secretsManager).toMatchObject({
      action: 'lambda:InvokeFunction',
      source_account: expect.stringMatching(/^\$\{data\.aws_caller_identity\..+\.account_id\}$/),
      source_arn: expect.stringMatching(
        /^arn:\$\{data\.aws_partition\..+\}:secretsmanager:\$\{data\.aws_region\..+\.name\}:\$\{data\.aws_caller_identity\..+\.account_id\}:secret:keyplane\/test\/\*$/
      ),
    });
  });

  test('sweeps hourly through EventBridge with a sweep event', () => {
    expect(only(json, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(1 hour)');
    expect(JSON.parse(only(json, 'aws_cloudwatch_event_target').input as string)).toEqual({
      action: 'sweep',
    });
    const events = resourcesOf(json, 'aws_lambda_permission').find(
      (p) => p.principal === 'events.amazonaws.com'
    );
    expect(events?.source_arn).toMatch(
      /aws_cloudwatch_event_rule\.Rotation_SweepSchedule_[0-9A-F]+\.arn/
    );
  });

  test('keeps failed invocations in an encrypted dead-letter queue', () => {
    expect(only(json, 'aws_sqs_queue')).toMatchObject({
      name: 'keyplane-test-rotation-dlq',
      kms_master_key_id: expect.stringMatching(/aws_kms_key/),
    });
    // Its alarm, and the others: test/constructs/rotation-monitoring.test.ts
  });

  test('tears down the keys of destroyed secrets when the stack is destroyed', () => {
    const teardown = only(json, 'aws_lambda_invocation');
    expect(teardown).toMatchObject({ lifecycle_scope: 'CRUD', terraform_key: 'tf' });
    expect(JSON.parse(teardown.input as string)).toEqual({ action: 'teardown' });
    const teardownId = Object.keys(json.resource.aws_lambda_invocation)[0];
    for (const secret of resourcesOf(json, 'aws_secretsmanager_secret')) {
      expect(secret.depends_on).toEqual([`aws_lambda_invocation.${teardownId}`]);
    }
  });

  test('a stack gets one service, however many consumers it has', () => {
    expect(only(json, 'aws_iam_role').name).toBe('keyplane-test-rotation');
    expect(Object.keys(json.resource.aws_secretsmanager_secret)).toHaveLength(2);
  });

  test('applies its properties', () => {
    const custom = stackWithConsumers(1, {
      serviceName: 'payments',
      secretPrefix: 'payments/api-keys/',
      deleteRetiredAfter: Duration.days(2),
      sweepSchedule: 'rate(30 minutes)',
      logRetentionDays: 30,
      reservedConcurrency: 3,
      alarmActions: ['arn:aws:sns:us-east-1:111122223333:oncall'],
    });
    const fn = only(custom, 'aws_lambda_function');
    expect(fn.function_name).toBe('payments-rotation');
    expect(fn.reserved_concurrent_executions).toBe(3);
    expect((fn.environment as { variables: Record<string, string> }).variables).toMatchObject({
      KEYPLANE_SECRET_PREFIX: 'payments/api-keys/',
      KEYPLANE_DELETE_AFTER_SECONDS: '172800',
    });
    expect(only(custom, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(30 minutes)');
    expect(only(custom, 'aws_cloudwatch_log_group').retention_in_days).toBe(30);
    for (const alarm of resourcesOf(custom, 'aws_cloudwatch_metric_alarm')) {
      expect(alarm.alarm_actions).toEqual([
        expect.stringMatching(/^\$\{aws_sns_topic\..+\.arn\}$/),
        'arn:aws:sns:us-east-1:111122223333:oncall',
      ]);
    }
    expect(resourcesOf(custom, 'aws_secretsmanager_secret')[0].name).toBe(
      'payments/api-keys/consumer-0'
    );
  });

  describe('IAM policy', () => {
    const policyOf = (j: SynthJson) => only(j, 'aws_iam_role_policy').policy as string;

    test('grants exactly the actions the Lambda calls, on scoped resources', () => {
      const policy = JSON.parse(policyOf(json));
      const grants = policy.Statement.map((s: { Action: string[]; Resource: string[] }) => [
        s.Action,
        s.Resource.map((r) => r.replace(/\$\{[^}]+\}/g, '<t>')),
      ]);
      expect(grants).toEqual([
        [
          [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          ['arn:<t>:secretsmanager:<t>:<t>:secret:keyplane/test/*'],
        ],
        [['secretsmanager:ListSecrets'], ['*']],
        [['kms:Decrypt', 'kms:GenerateDataKey'], ['<t>']],
        [
          ['apigateway:GET'],
          [
            'arn:<t>:apigateway:<t>::/apikeys',
            'arn:<t>:apigateway:<t>::/apikeys/*',
            'arn:<t>:apigateway:<t>::/usageplans',
            'arn:<t>:apigateway:<t>::/usageplans/*/keys',
          ],
        ],
        [
          ['apigateway:POST'],
          ['arn:<t>:apigateway:<t>::/apikeys', 'arn:<t>:apigateway:<t>::/usageplans/*/keys'],
        ],
        [['apigateway:PATCH'], ['arn:<t>:apigateway:<t>::/apikeys/*']],
        [
          ['apigateway:DELETE'],
          ['arn:<t>:apigateway:<t>::/apikeys/*', 'arn:<t>:apigateway:<t>::/usageplans/*/keys/*'],
        ],
        [['apigateway:PUT'], ['arn:<t>:apigateway:<t>::/tags/*']],
        [['logs:CreateLogStream', 'logs:PutLogEvents'], ['<t>:*']],
        [['sqs:SendMessage'], ['<t>']],
      ]);
    });

    test('has no wildcard action, and a bare * resource only for ListSecrets, which has no resource scope', () => {
      const scope = {
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        secretPrefix: 'keyplane/x/',
        kmsKeyArn: 'k',
        logGroupArn: 'l',
        deadLetterQueueArn: 'q',
      };
      for (const statement of rotationPolicy(scope).Statement) {
        for (const action of statement.Action) expect(action).not.toMatch(/\*/);
        const unscoped = statement.Resource.includes('*');
        expect({ sid: statement.Sid, unscoped }).toEqual({
          sid: statement.Sid,
          unscoped: statement.Action.join() === 'secretsmanager:ListSecrets',
        });
      }
    });

    test('is the same size for 1 and 500 consumers, far under the 10,240-character limit', () => {
      const one = policyOf(stackWithConsumers(1));
      const many = policyOf(stackWithConsumers(500));
      expect(many).toBe(one);
      expect(one.length).toBeLessThan(10_240 / 2);
    });
  });

  describe('validation', () => {
    test.each<[string, RotationServiceProps, RegExp]>([
      [
        'serviceName has a dot',
        { serviceName: 'pay.ments' },
        /test\/Rotation: serviceName must be 1-40 letters, digits or hyphens, got "pay.ments"/,
      ],
      [
        'secretPrefix does not end in /',
        { secretPrefix: 'keys' },
        /test\/Rotation: secretPrefix must be characters allowed in secret names \(letters, digits, \/_\+=.@-\) ending in "\/", got "keys"/,
      ],
      [
        'logRetentionDays is not a CloudWatch period',
        { logRetentionDays: 10 },
        /test\/Rotation: logRetentionDays must be one of CloudWatch's retention periods \(1, 3, 5, 7, 14, 30,.*\), got 10/,
      ],
      [
        'deleteRetiredAfter is under an hour',
        { deleteRetiredAfter: Duration.minutes(10) },
        /test\/Rotation: deleteRetiredAfter must be at least 1h, so a mistaken retirement can be undone, got "10m"/,
      ],
      [
        'reservedConcurrency is 0',
        { reservedConcurrency: 0 },
        /test\/Rotation: reservedConcurrency must be a positive integer, got 0/,
      ],
    ])('fails when %s', (_case, props, message) => {
      expect(() => new RotationService(newStack(), 'Rotation', props)).toThrow(message);
    });

    test('fails when a stack gets a second service', () => {
      const stack = newStack();
      new RotationService(stack, 'Rotation');
      expect(() => new RotationService(stack, 'Another')).toThrow(
        /test\/Another: stack test already has a rotation service \(test\/Rotation\); a stack has one/
      );
    });
  });
});
