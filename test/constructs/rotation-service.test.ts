import { isDeepStrictEqual } from 'util';
import {
  ManagedApiKey,
  RotationService,
  RotationServiceProps,
  UsagePlan,
  Duration,
} from '../../constructs';
import type { PolicyStatement } from '../../constructs/rotation-policy';
import { KEY_BUDGET_BOUND, RESERVED_CONCURRENCY_BOUND } from '../../contract';
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
          // Each container paces API Gateway at 1/10 of the function's share (pacing.ts).
          KEYPLANE_RESERVED_CONCURRENCY: '10',
          // The plan ids the policy document refers to, filled in by Terraform.
          KEYPLANE_POLICY_VALUES: expect.stringMatching(
            /^\$\{jsonencode\(\[aws_api_gateway_usage_plan\.Gold_[0-9A-F]+\.id\]\)\}$/
          ),
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    // Lambda's JSON log format: its own lines JSON too, AWS_LAMBDA_LOG_LEVEL set for log.ts.
    expect(fn.logging_config).toEqual({
      log_format: 'JSON',
      application_log_level: 'INFO',
      system_log_level: 'INFO',
      log_group: '/aws/lambda/keyplane-test-rotation',
    });
    // The package with the policy document, named by its SHA-256; its hash written out.
    expect(fn.filename).toMatch(/^assets\/Rotation_Bundle_[0-9A-F]+\/[0-9A-F]{64}\/rotation\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  test('makes an HMAC key whose MACs only the function role may make or check', () => {
    const hmacKey = resourcesOf(json, 'aws_kms_key').find(
      (key) => key.key_usage === 'GENERATE_VERIFY_MAC'
    );
    expect(hmacKey).toMatchObject({ customer_master_key_spec: 'HMAC_256' });
    const statements = JSON.parse(String(hmacKey?.policy)).Statement;
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: 'AccountAdministersKeyWithoutUsingIt',
        Principal: {
          AWS: expect.stringMatching(
            /^arn:\$\{data\.aws_partition\..*:iam::\$\{data\.aws_caller_identity\..*:root$/
          ),
        },
      }),
      {
        Sid: 'RotationFunctionProvesKeyOwnership',
        Effect: 'Allow',
        Principal: {
          AWS: expect.stringMatching(/^\$\{aws_iam_role\.Rotation_Role_[A-Z0-9]+\.arn\}$/),
        },
        Action: ['kms:GenerateMac', 'kms:VerifyMac'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
      },
    ]);
    const adminActions: string[] = statements[0].Action;
    expect(adminActions.filter((action) => /Mac|\*|Encrypt|Decrypt/.test(action))).toEqual([]);
    const fn = only(json, 'aws_lambda_function') as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.KEYPLANE_OWNERSHIP_KEY_ID).toMatch(
      /^\$\{aws_kms_key\.Rotation_OwnershipKey_[A-Z0-9]+\.key_id\}$/
    );
  });

  test('makes a KMS key with rotation on and an explicit policy', () => {
    const key = resourcesOf(json, 'aws_kms_key').find(
      (candidate) => candidate.key_usage === undefined
    ) as Record<string, unknown>;
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
    // Its create and update check these names are not scheduled for deletion.
    expect(JSON.parse(teardown.input as string)).toEqual({
      action: 'teardown',
      secretNames: resourcesOf(json, 'aws_secretsmanager_secret')
        .map((secret) => secret.name)
        .sort(),
    });
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
      KEYPLANE_RESERVED_CONCURRENCY: '3',
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

  describe('IAM: every grant, against the documented table', () => {
    const policyOf = (j: SynthJson) => only(j, 'aws_iam_role_policy').policy as string;
    /** Terraform references (partition, region, account, ARNs of this stack) shown as <t>. */
    const shape = (text: string) => text.replace(/\$\{[^}]+\}/g, '<t>');
    const apigw = (p: string) => `arn:<t>:apigateway:<t>::${p}`;

    /**
     * Every action the rotation Lambda's role is granted, and the only resources it may act on.
     * `<t>` is a reference to this stack's own resource (KMS key, log group, queue).
     * `*` resources: ListSecrets and X-Ray's writes have no resource-level permissions.
     */
    const DOCUMENTED_GRANTS: Record<string, string[]> = {
      'secretsmanager:DescribeSecret': ['arn:<t>:secretsmanager:<t>:<t>:secret:keyplane/test/*'],
      'secretsmanager:GetSecretValue': ['arn:<t>:secretsmanager:<t>:<t>:secret:keyplane/test/*'],
      'secretsmanager:PutSecretValue': ['arn:<t>:secretsmanager:<t>:<t>:secret:keyplane/test/*'],
      'secretsmanager:UpdateSecretVersionStage': [
        'arn:<t>:secretsmanager:<t>:<t>:secret:keyplane/test/*',
      ],
      'secretsmanager:ListSecrets': ['*'],
      'kms:Decrypt': ['<t>'],
      'kms:GenerateDataKey': ['<t>'],
      'kms:GenerateMac': ['<t>'],
      'kms:VerifyMac': ['<t>'],
      'apigateway:GET': [
        apigw('/apikeys'),
        apigw('/apikeys/*'),
        apigw('/usageplans'),
        apigw('/usageplans/*/keys'),
      ],
      'apigateway:POST': [apigw('/apikeys'), apigw('/usageplans/*/keys')],
      'apigateway:PATCH': [apigw('/apikeys/*')],
      'apigateway:DELETE': [apigw('/apikeys/*'), apigw('/usageplans/*/keys/*')],
      'apigateway:PUT': [apigw('/tags/*')],
      'logs:CreateLogStream': ['<t>:*'],
      'logs:PutLogEvents': ['<t>:*'],
      'sqs:SendMessage': ['<t>'],
      'xray:PutTraceSegments': ['*'],
      'xray:PutTelemetryRecords': ['*'],
    };

    /** The only conditions a grant may carry, by statement. */
    const DOCUMENTED_CONDITIONS: Record<string, unknown> = {
      ProveKeyOwnership: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
      // Every mutating API Gateway grant is conditioned on the service's own tag:
      // CreateApiKey only with keyplane:service=<service> in the request,
      CreateApiKeysTaggedForThisService: {
        StringEquals: { 'aws:RequestTag/keyplane:service': 'keyplane-test' },
      },
      // UpdateApiKey and DeleteApiKey only on keys that carry it,
      UpdateAndDeleteThisServicesApiKeys: {
        StringEquals: { 'aws:ResourceTag/keyplane:service': 'keyplane-test' },
      },
      // CreateUsagePlanKey and DeleteUsagePlanKey only in plans that carry it (a usage plan key
      // inherits its plan's tags for ABAC: API Gateway Developer Guide, "API Gateway resources
      // that can be tagged", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-tagging-supported-resources.html),
      JoinThisServicesUsagePlans: {
        StringEquals: { 'aws:ResourceTag/keyplane:service': 'keyplane-test' },
      },
      LeaveThisServicesUsagePlans: {
        StringEquals: { 'aws:ResourceTag/keyplane:service': 'keyplane-test' },
      },
      // TagResource: AWS offers no resource-tag condition (the Tags resource,
      // arn:...:apigateway:<region>::/tags/<arn>, lists no condition key in the Service
      // Authorization Reference, "Actions, resources, and condition keys for Amazon API Gateway
      // Management", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonapigatewaymanagement.html),
      // so only the three tags the function writes after creation may be set; never
      // keyplane:service or the origin tags. The ownership proof guards which keys it tags.
      TagApiKeysWithLifecycleTags: {
        'ForAllValues:StringEquals': {
          'aws:TagKeys': ['keyplane:proof', 'keyplane:retire-after', 'keyplane:delete-after'],
        },
        Null: { 'aws:TagKeys': 'false' },
      },
    };

    /** What the policy grants beyond the table: wildcard or undocumented actions, wider resources. */
    function violations(policy: string): string[] {
      const found: string[] = [];
      for (const s of JSON.parse(policy).Statement as PolicyStatement[]) {
        if (s.Effect !== 'Allow' || !isDeepStrictEqual(s.Condition, DOCUMENTED_CONDITIONS[s.Sid]))
          found.push(`${s.Sid}: expected an Allow with the documented condition`);
        for (const action of s.Action) {
          const documented = DOCUMENTED_GRANTS[action];
          if (action.includes('*')) found.push(`${s.Sid}: wildcard action ${action}`);
          else if (!documented) found.push(`${s.Sid}: undocumented action ${action}`);
          else
            for (const resource of s.Resource.map(shape))
              if (!documented.includes(resource))
                found.push(`${s.Sid}: ${action} on ${resource}, wider than documented`);
        }
      }
      return found;
    }

    test('grants exactly the documented actions on exactly the documented resources', () => {
      const statements = JSON.parse(policyOf(json)).Statement as PolicyStatement[];
      const granted: Record<string, string[]> = {};
      for (const s of statements)
        for (const action of s.Action)
          granted[action] = [...(granted[action] ?? []), ...s.Resource.map(shape)];
      expect(granted).toEqual(DOCUMENTED_GRANTS);
      expect(violations(policyOf(json))).toEqual([]);
    });

    test.each<[string, (statement: PolicyStatement) => void, RegExp]>([
      ['a bare * action', (s) => s.Action.push('*'), /wildcard action \*$/],
      ['a service wildcard', (s) => s.Action.push('apigateway:*'), /wildcard action apigateway:\*/],
      [
        'a prefix wildcard',
        (s) => s.Action.push('secretsmanager:Get*'),
        /wildcard action secretsmanager:Get\*/,
      ],
      [
        'an undocumented action',
        (s) => s.Action.push('secretsmanager:DeleteSecret'),
        /undocumented action secretsmanager:DeleteSecret/,
      ],
      [
        'a resource wider than documented',
        (s) => s.Resource.splice(0, 1, 'arn:${p}:secretsmanager:${r}:${a}:secret:*'),
        /secretsmanager:DescribeSecret on arn:<t>:secretsmanager:<t>:<t>:secret:\*, wider than documented/,
      ],
      [
        'a conditional grant',
        (s) => Object.assign(s, { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
        /RotateThisServicesSecrets: expected an Allow with the documented condition/,
      ],
      [
        'a mutating API Gateway grant without its tag condition',
        (s) =>
          Object.assign(s, {
            Sid: 'UpdateAndDeleteThisServicesApiKeys',
            Action: ['apigateway:DELETE'],
            Resource: ['arn:${p}:apigateway:${r}::/apikeys/*'],
          }),
        /UpdateAndDeleteThisServicesApiKeys: expected an Allow with the documented condition/,
      ],
    ])('the check catches %s', (_case, mutate, problem) => {
      const policy = JSON.parse(policyOf(json));
      mutate(policy.Statement[0]);
      expect(violations(JSON.stringify(policy))).toEqual(
        expect.arrayContaining([expect.stringMatching(problem)])
      );
    });

    test('only Lambda may assume the role', () => {
      expect(JSON.parse(only(json, 'aws_iam_role').assume_role_policy as string)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      });
    });

    test('the KMS key policy names the account, CloudWatch Logs for this log group only, CloudWatch alarms of this account, and the declared readers through Secrets Manager only', () => {
      const stack = newStack();
      const gold = new UsagePlan(stack, 'Gold', {
        name: 'gold',
        apiStages: [{ api: 'api1', stage: 'v1' }],
      });
      const reader = 'arn:aws:iam::111122223333:role/acme-client';
      new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: [gold], readers: [reader] });
      const withReaders = synthJson(stack);
      const encryptionKey = resourcesOf(withReaders, 'aws_kms_key').find(
        (key) => key.key_usage === undefined
      );
      const statements = JSON.parse(String(encryptionKey?.policy)).Statement;
      expect(
        statements.map((s: PolicyStatement & { Principal: unknown }) => ({
          principal: JSON.parse(shape(JSON.stringify(s.Principal))),
          actions: s.Action,
          resource: s.Resource,
          condition: JSON.parse(shape(JSON.stringify(s.Condition ?? null))),
        }))
      ).toEqual([
        {
          // The key's administrators are the account's IAM policies (AWS's default key policy).
          principal: { AWS: 'arn:<t>:iam::<t>:root' },
          actions: 'kms:*',
          resource: '*',
          condition: null,
        },
        {
          // AWS's documented grant for encrypted log groups, bound to this log group.
          principal: { Service: 'logs.<t>.amazonaws.com' },
          // (no kms:Describe*: DescribeKey has no encryption context to match).
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
          resource: '*',
          condition: {
            StringEquals: {
              'kms:EncryptionContext:aws:logs:arn':
                'arn:<t>:logs:<t>:<t>:log-group:/aws/lambda/keyplane-test-rotation',
            },
          },
        },
        {
          // The alarm topic is encrypted: only this account's CloudWatch alarms may publish.
          principal: { Service: 'cloudwatch.amazonaws.com' },
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resource: '*',
          condition: {
            ArnLike: { 'aws:SourceArn': 'arn:<t>:cloudwatch:<t>:<t>:alarm:*' },
            StringEquals: { 'aws:SourceAccount': '<t>' },
          },
        },
        {
          // Per readable secret: decrypt through Secrets Manager under that secret's ARN only.
          principal: { AWS: [reader] },
          actions: 'kms:Decrypt',
          resource: '*',
          condition: {
            StringEquals: { 'kms:ViaService': 'secretsmanager.<t>.amazonaws.com' },
            StringLike: {
              'kms:EncryptionContext:SecretARN':
                'arn:<t>:secretsmanager:<t>:<t>:secret:keyplane/test/acme-??????',
            },
          },
        },
      ]);
      const [secret] = resourcesOf(withReaders, 'aws_secretsmanager_secret');
      const secretPolicy = JSON.parse(secret.policy as string).Statement;
      expect(
        secretPolicy.map((s: PolicyStatement & { Principal: unknown }) => [s.Principal, s.Action])
      ).toEqual([
        [{ AWS: [reader] }, ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']],
      ]);
    });

    test("Secrets Manager may invoke the function for this service's secrets only, EventBridge for the sweep rule only", () => {
      const permissions = resourcesOf(json, 'aws_lambda_permission').map((p) => ({
        principal: p.principal,
        action: p.action,
        sourceAccount: p.source_account === undefined ? undefined : shape(String(p.source_account)),
        sourceArn: shape(String(p.source_arn)),
      }));
      expect(permissions).toEqual([
        {
          principal: 'secretsmanager.amazonaws.com',
          action: 'lambda:InvokeFunction',
          sourceAccount: '<t>',
          sourceArn: 'arn:<t>:secretsmanager:<t>:<t>:secret:keyplane/test/*',
        },
        {
          principal: 'events.amazonaws.com',
          action: 'lambda:InvokeFunction',
          sourceAccount: undefined,
          sourceArn: '<t>',
        },
      ]);
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
        /test\/Rotation: deleteRetiredAfter must be from 1h to 3650d \(the rotation function refuses longer periods\), got "10m"/,
      ],
      [
        'reservedConcurrency is 0',
        { reservedConcurrency: 0 },
        /test\/Rotation: reservedConcurrency must be a whole number of containers from 1 to 100000 .*, got 0/,
      ],
      [
        'reservedConcurrency is fractional',
        { reservedConcurrency: 1.5 },
        /test\/Rotation: reservedConcurrency must be a whole number of containers from 1 to 100000 .*, got 1.5/,
      ],
      [
        'reservedConcurrency is over what the rotation function accepts',
        { reservedConcurrency: RESERVED_CONCURRENCY_BOUND.max + 1 },
        /test\/Rotation: reservedConcurrency must be a whole number of containers from 1 to 100000 \(the rotation function refuses any other\), got 100001/,
      ],
      [
        'keyBudget is over what the rotation function accepts',
        { keyBudget: KEY_BUDGET_BOUND.max + 1 },
        /test\/Rotation: keyBudget must be a whole number of keys from 1 to 1000000 \(the rotation function refuses any other\), got 1000001/,
      ],
      [
        'keyBudget is 0',
        { keyBudget: 0 },
        /test\/Rotation: keyBudget must be a whole number of keys from 1 to 1000000 .*, got 0/,
      ],
      [
        'keyBudget is fractional',
        { keyBudget: 2.5 },
        /test\/Rotation: keyBudget must be a whole number of keys from 1 to 1000000 .*, got 2.5/,
      ],
      [
        'sweepSchedule is not an EventBridge schedule',
        { sweepSchedule: 'every hour' },
        /test\/Rotation: sweepSchedule must be an EventBridge schedule: rate\(1 minute\|hour\|day\), rate\(N minutes\|hours\|days\) or cron\(\) with six fields and \? in exactly one of day-of-month and day-of-week, got "every hour"/,
      ],
      [
        'sweepSchedule says 1 hours',
        { sweepSchedule: 'rate(1 hours)' },
        /sweepSchedule must be an EventBridge schedule.*, got "rate\(1 hours\)"/,
      ],
      [
        'the sweep cron restricts both day fields',
        { sweepSchedule: 'cron(0 3 * * MON *)' },
        /sweepSchedule must be an EventBridge schedule.*\? in exactly one of day-of-month and day-of-week, got "cron\(0 3 \* \* MON \*\)"/,
      ],
      [
        'the sweep cron leaves both day fields open with ?',
        { sweepSchedule: 'cron(0 3 ? * ? *)' },
        /sweepSchedule must be an EventBridge schedule.*, got "cron\(0 3 \? \* \? \*\)"/,
      ],
      [
        'an alarm action is not an ARN',
        { alarmActions: ['oncall-topic'] },
        /test\/Rotation: alarmActions\[0\] must be an ARN \(arn:aws:sns:<region>:<account>:<topic>\), got "oncall-topic"/,
      ],
    ])('fails when %s', (_case, props, message) => {
      expect(() => new RotationService(newStack(), 'Rotation', props)).toThrow(message);
    });

    test('accepts the largest key budget the rotation function accepts', () => {
      expect(
        () => new RotationService(newStack(), 'Rotation', { keyBudget: KEY_BUDGET_BOUND.max })
      ).not.toThrow();
    });

    test('fails when a stack gets a second service', () => {
      const stack = newStack();
      new RotationService(stack, 'Rotation');
      expect(() => new RotationService(stack, 'Another')).toThrow(
        /test\/Another: stack test already has a rotation service \(test\/Rotation\); create one per stack/
      );
    });
  });
});
