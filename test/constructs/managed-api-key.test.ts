import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { TerraformStack, Testing } from 'cdktf';
import {
  Duration,
  ManagedApiKey,
  ManagedApiKeyProps,
  Period,
  KeyRotationSchedule,
  RotationService,
  UsagePlan,
} from '../../constructs';
import { newStack, resourcesOf, synthJson } from '../support/stack';

function planIn(stack: TerraformStack, id: string, stages = [{ api: `api-${id}`, stage: 'v1' }]) {
  return new UsagePlan(stack, id, { name: id, apiStages: stages });
}

function key(props: Partial<ManagedApiKeyProps> = {}) {
  const stack = newStack();
  new ManagedApiKey(stack, 'Acme', {
    consumer: 'acme',
    usagePlans: [planIn(stack, 'Gold')],
    ...props,
  });
  return stack;
}

describe('ManagedApiKey', () => {
  test("tags every plan its key joins, the dedicated plan too, with its service's name", () => {
    const stack = key({
      dedicatedPlan: {
        quota: { limit: 10, period: Period.DAY },
        apiStages: [{ api: 'api-Dedicated', stage: 'v1' }],
      },
    });
    const plans = resourcesOf(synthJson(stack), 'aws_api_gateway_usage_plan');
    expect(plans.map((p) => [p.name, p.tags]).sort()).toEqual([
      ['Gold', { 'keyplane:service': 'keyplane-test' }],
      ['keyplane-test-acme', { 'keyplane:service': 'keyplane-test' }],
    ]);
  });

  test('creates a KMS-encrypted secret tagged with its consumer, plans and service, no other policy', () => {
    const stack = newStack();
    const gold = planIn(stack, 'Gold');
    const free = planIn(stack, 'Free');
    new ManagedApiKey(stack, 'Acme', {
      consumer: 'acme-corp',
      usagePlans: [gold, free],
      gracePeriod: Duration.hours(6),
      healthCheckUrl: 'https://api.example.com/health',
      tags: { team: 'payments' },
    });
    const synthed = Testing.synth(stack);
    expect(synthed).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'keyplane/test/acme-corp',
      kms_key_id: '${aws_kms_key.KeyplaneRotation_Key_F94F8A43.arn}',
      recovery_window_in_days: 30,
    });
    // The rest of the policy (grace, prefix, URL, usage settings) is in the policy document only.
    const [secret] = resourcesOf(synthJson(stack), 'aws_secretsmanager_secret');
    expect(secret.tags).toStrictEqual({
      team: 'payments',
      'keyplane:consumer': 'acme-corp',
      'keyplane:usage-plans':
        '${join(" ", [aws_api_gateway_usage_plan.Gold_83B9B25C.id, aws_api_gateway_usage_plan.Free_762A56CD.id])}',
      'keyplane:service': 'keyplane-test',
    });
  });

  test('writes a placeholder first version that holds no key and is never rewritten', () => {
    const [version] = resourcesOf(synthJson(key()), 'aws_secretsmanager_secret_version');
    expect(JSON.parse(version.secret_string as string)).toEqual({
      format: 'keyplane/v1',
      bootstrap: true,
      consumer: 'acme',
    });
    expect(version.version_stages).toEqual(['AWSCURRENT', 'keyplane-bootstrap']);
    expect(version.lifecycle).toEqual({ ignore_changes: ['secret_string', 'version_stages'] });
  });

  test('turns rotation on with the schedule and window, after the placeholder and invoke permission', () => {
    const stack = key({
      schedule: KeyRotationSchedule.expression('cron(0 4 ? * MON *)'),
      rotationWindow: Duration.hours(3),
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
      rotation_lambda_arn: '${aws_lambda_function.KeyplaneRotation_Function_61631F42.arn}',
      rotation_rules: { schedule_expression: 'cron(0 4 ? * MON *)', duration: '3h' },
    });
    const [rotation] = resourcesOf(synthJson(stack), 'aws_secretsmanager_secret_rotation');
    expect(rotation.depends_on).toEqual([
      'aws_secretsmanager_secret_version.Acme_Placeholder_C795AC15',
      'aws_lambda_permission.KeyplaneRotation_SecretsManagerInvoke_08B541E6',
    ]);
  });

  // The default grace (24 h) is in the policy document: test/constructs/policy-document.test.ts.
  test('defaults to a 30-day rotation and Secrets Manager default window', () => {
    const [rotation] = resourcesOf(synthJson(key()), 'aws_secretsmanager_secret_rotation');
    expect(rotation.rotation_rules).toEqual({ schedule_expression: 'rate(30 days)' });
  });

  test('creates no API key, no usage plan key and no secret value holding a key', () => {
    const json = synthJson(key());
    expect(json.resource.aws_api_gateway_api_key).toBeUndefined();
    expect(json.resource.aws_api_gateway_usage_plan_key).toBeUndefined();
  });

  test('grants readers through a secret resource policy and the KMS key policy', () => {
    const readers = [
      'arn:aws:iam::111122223333:role/acme-client',
      'arn:aws:iam::111122223333:user/ops',
    ];
    const json = synthJson(key({ readers }));
    const [secret] = resourcesOf(json, 'aws_secretsmanager_secret');
    expect(JSON.parse(secret.policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DeclaredReadersReadTheKey',
          Effect: 'Allow',
          Principal: { AWS: readers },
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: '*',
        },
      ],
    });
    const kms = resourcesOf(json, 'aws_kms_key').find((k) => k.key_usage === undefined);
    const readerStatement = JSON.parse(String(kms?.policy)).Statement.find(
      (s: { Sid: string }) => s.Sid === 'Reader0DecryptsOneSecretThroughSecretsManager'
    );
    expect(readerStatement.Principal.AWS).toEqual([...readers].sort());
    expect(readerStatement.Action).toBe('kms:Decrypt');
  });

  test("readers of one consumer get no KMS permission for another consumer's secret", () => {
    const stack = newStack();
    const plan = new UsagePlan(stack, 'Gold', {
      name: 'gold',
      apiStages: [{ api: 'a', stage: 'v1' }],
    });
    const acmeReader = 'arn:aws:iam::111122223333:role/acme-client';
    const globexReader = 'arn:aws:iam::111122223333:role/globex-client';
    new ManagedApiKey(stack, 'Acme', {
      consumer: 'acme',
      usagePlans: [plan],
      readers: [acmeReader],
    });
    new ManagedApiKey(stack, 'Globex', {
      consumer: 'globex',
      usagePlans: [plan],
      readers: [globexReader],
    });
    const kms = resourcesOf(synthJson(stack), 'aws_kms_key').find((k) => k.key_usage === undefined);
    const statements: {
      Principal: { AWS?: string[] };
      Condition?: Record<string, Record<string, string>>;
    }[] = JSON.parse(String(kms?.policy)).Statement;
    const secretsReadableBy = (principal: string) =>
      statements
        .filter((s) => s.Principal.AWS?.includes(principal))
        .map(
          (s) => s.Condition?.StringLike['kms:EncryptionContext:SecretARN'].split(':secret:')[1]
        );
    expect(secretsReadableBy(acmeReader)).toEqual(['keyplane/test/acme-??????']);
    expect(secretsReadableBy(globexReader)).toEqual(['keyplane/test/globex-??????']);
  });

  test('has no resource policy when no readers are declared', () => {
    const [secret] = resourcesOf(synthJson(key()), 'aws_secretsmanager_secret');
    expect(secret).not.toHaveProperty('policy');
  });

  test('replicates the secret to the given regions and honours secretName and recovery window', () => {
    const [secret] = resourcesOf(
      synthJson(
        key({
          replicaRegions: ['eu-west-1', 'ap-south-1'],
          secretName: 'teams/acme',
          recoveryWindowInDays: 7,
        })
      ),
      'aws_secretsmanager_secret'
    );
    expect(secret.replica).toEqual([{ region: 'eu-west-1' }, { region: 'ap-south-1' }]);
    expect(secret.name).toBe('keyplane/test/teams/acme');
    expect(secret.recovery_window_in_days).toBe(7);
  });

  test('the dedicated plan shortcut makes a plan for the consumer alone', () => {
    const stack = newStack();
    const acme = new ManagedApiKey(stack, 'Acme', {
      consumer: 'acme',
      dedicatedPlan: {
        quota: { limit: 50, period: Period.DAY },
        throttle: { rateLimit: 1, burstLimit: 2 },
        apiStages: [{ api: 'api1', stage: 'v1' }],
      },
    });
    const json = synthJson(stack);
    const [plan] = resourcesOf(json, 'aws_api_gateway_usage_plan');
    expect(plan).toMatchObject({
      name: 'keyplane-test-acme',
      quota_settings: { limit: 50, period: 'DAY', offset: 0 },
      throttle_settings: { rate_limit: 1, burst_limit: 2 },
      api_stages: [{ api_id: 'api1', stage: 'v1' }],
    });
    expect(acme.usagePlans).toEqual([acme.dedicatedPlan]);
    const [secret] = resourcesOf(json, 'aws_secretsmanager_secret');
    expect((secret.tags as Record<string, string>)['keyplane:usage-plans']).toBe(
      '${join(" ", [aws_api_gateway_usage_plan.Acme_DedicatedPlan_8FC13082.id])}'
    );
  });

  test('uses an explicitly created rotation service', () => {
    const stack = newStack();
    const service = new RotationService(stack, 'Rotation', {
      serviceName: 'payments-keys',
      secretPrefix: 'payments/keys/',
    });
    new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: [planIn(stack, 'Gold')] });
    const json = synthJson(stack);
    expect(RotationService.of(stack)).toBe(service);
    expect(Object.keys(json.resource.aws_lambda_function)).toHaveLength(1);
    expect(resourcesOf(json, 'aws_secretsmanager_secret')[0].name).toBe('payments/keys/acme');
  });

  test('many consumers share one rotation service', () => {
    const stack = newStack();
    const gold = planIn(stack, 'Gold');
    for (const consumer of ['a', 'b', 'c'])
      new ManagedApiKey(stack, consumer, { consumer, usagePlans: [gold] });
    const json = synthJson(stack);
    expect(Object.keys(json.resource.aws_lambda_function)).toHaveLength(1);
    expect(Object.keys(json.resource.aws_secretsmanager_secret)).toHaveLength(3);
  });

  test('tags each secret with its own plans when consumers share some plans and not others', () => {
    const stack = newStack();
    const gold = planIn(stack, 'Gold');
    const free = planIn(stack, 'Free');
    const plansOf: Record<string, UsagePlan[]> = {
      a: [gold],
      b: [gold, free],
      c: [gold],
      d: [free, gold],
    };
    for (const [consumer, usagePlans] of Object.entries(plansOf))
      new ManagedApiKey(stack, consumer, { consumer, usagePlans });
    const tags = Object.fromEntries(
      resourcesOf(synthJson(stack), 'aws_secretsmanager_secret').map((secret) => {
        const t = secret.tags as Record<string, string>;
        return [t['keyplane:consumer'], t['keyplane:usage-plans']];
      })
    );
    const ids = (...names: string[]) =>
      `\${join(" ", [${names.map((n) => `aws_api_gateway_usage_plan.${n}.id`).join(', ')}])}`;
    const [goldId, freeId] = ['Gold_83B9B25C', 'Free_762A56CD'];
    expect(tags).toEqual({
      a: ids(goldId),
      b: ids(goldId, freeId),
      c: ids(goldId),
      d: ids(freeId, goldId),
    });
  });

  describe('validation', () => {
    test.each<[string, Partial<ManagedApiKeyProps>, RegExp]>([
      [
        'consumer has a bad character',
        { consumer: 'acme corp' },
        /test\/Acme: consumer must start with a letter or digit and hold only letters, digits, "-" and "_", at most 64 characters, got "acme corp"/,
      ],
      [
        'consumer is too long',
        { consumer: 'a'.repeat(65) },
        /test\/Acme: consumer must start with a letter or digit and hold only letters, digits, "-" and "_", at most 64 characters, got "a{65}"/,
      ],
      [
        'the schedule is not rate or cron',
        { schedule: KeyRotationSchedule.expression('every 30 days') },
        /test\/Acme: schedule must be rate\(N hours\) with N from 4 to 24000, rate\(N days\) with N from 1 to 1000, or cron\(.*\), got \"every 30 days\"/,
      ],
      [
        'the rate unit is minutes',
        { schedule: KeyRotationSchedule.expression('rate(300 minutes)') },
        /test\/Acme: schedule must be rate\(N hours\) .*, got "rate\(300 minutes\)"/,
      ],
      [
        'the rate is under 4 hours',
        {
          schedule: KeyRotationSchedule.expression('rate(3 hours)'),
          gracePeriod: Duration.hours(1),
        },
        /schedule must have N from 4 to 24000 in rate\(N hours\) .*, got "rate\(3 hours\)"/,
      ],
      [
        'a cron fires every 2 hours',
        {
          schedule: KeyRotationSchedule.expression('cron(0 */2 * * ? *)'),
          gracePeriod: Duration.hours(1),
        },
        /schedule must leave at least 4h between rotations.*allows 2h/,
      ],
      [
        'the cron minute is not 0',
        { schedule: KeyRotationSchedule.expression('cron(30 4 * * ? *)') },
        /test\/Acme: schedule must have 0 in the minutes field of cron\(\) \(rotation windows open on the hour\), got "cron\(30 4 \* \* \? \*\)"/,
      ],
      [
        'the cron year is not *',
        { schedule: KeyRotationSchedule.expression('cron(0 4 * * ? 2030)') },
        /test\/Acme: schedule must have \* in the year field of cron\(\), got "cron\(0 4 \* \* \? 2030\)"/,
      ],
      [
        'the cron has 5 fields',
        { schedule: KeyRotationSchedule.expression('cron(0 4 * * ?)') },
        /must have six fields in cron\(minutes hours day-of-month month day-of-week year\), got "cron\(0 4 \* \* \?\)"/,
      ],
      [
        'the cron is malformed',
        { schedule: KeyRotationSchedule.expression('cron(0 25 * * ? *)') },
        /test\/Acme: schedule must be a valid cron\(\) expression \(.+\), got "cron\(0 25 \* \* \? \*\)"/,
      ],
      [
        'the grace period is not shorter than the interval',
        { schedule: KeyRotationSchedule.every(Duration.days(1)), gracePeriod: Duration.hours(24) },
        /test\/Acme: gracePeriod must be shorter than the time between rotations \(1d for rate\(1 day\)\), got "24h"/,
      ],
      [
        'the rotation window is longer than the interval',
        {
          schedule: KeyRotationSchedule.every(Duration.hours(6)),
          gracePeriod: Duration.hours(1),
          rotationWindow: Duration.hours(7),
        },
        /rotationWindow must not reach into the next rotation window: at most 6h, the shortest time between rotations, got "7h"/,
      ],
      [
        'the rotation window is not whole hours',
        { rotationWindow: Duration.minutes(90) },
        /rotationWindow must be whole hours from 1h to 24h, got "90m"/,
      ],
      [
        'the key prefix has punctuation',
        { keyPrefix: 'acme_' },
        /test\/Acme: keyPrefix must be at most 90 letters and digits, got "acme_"/,
      ],
      [
        'the key prefix makes keys too long',
        { keyPrefix: 'a'.repeat(91) },
        /keyPrefix must be at most 90 letters and digits, got "a{91}"/,
      ],
      [
        'the recovery window is 3 days',
        { recoveryWindowInDays: 3 },
        /recoveryWindowInDays must be 0 or an integer from 7 to 30, got 3/,
      ],
      [
        'a reader is not an IAM ARN',
        { readers: ['acme-role'] },
        /test\/Acme: readers\[0\] must be an IAM principal ARN: .*, got "acme-role"/,
      ],
      [
        'the health check URL is not http(s)',
        { healthCheckUrl: 'ftp://example.com' },
        /healthCheckUrl must be an https URL, got "ftp:\/\/example.com"/,
      ],
      [
        'the health check URL is plain http to another host',
        { healthCheckUrl: 'http://example.com/health' },
        /test\/Acme: healthCheckUrl must be an https URL \(plain http only to localhost\), got "http:\/\/example.com\/health"/,
      ],
      [
        'the health check URL has a query',
        { healthCheckUrl: 'https://example.com/h?x=1' },
        /test\/Acme: healthCheckUrl must fit in a secret tag: at most 256 of letters, digits and _.:\/=\+-@ \(no query string\), got "https:\/\/example.com\/h\?x=1"/,
      ],
      [
        'the secret name has a space',
        { secretName: 'a b' },
        /secretName must hold only letters, digits and \/_\+=.@-, got "a b"/,
      ],
      [
        'the recovery window is fractional',
        { recoveryWindowInDays: 7.5 },
        /test\/Acme: recoveryWindowInDays must be 0 or an integer from 7 to 30, got 7.5/,
      ],
      [
        'a replica region is not a region',
        { replicaRegions: ['Europe'] },
        /test\/Acme: replicaRegions\[0\] must be an AWS region such as "eu-west-1", got "Europe"/,
      ],
      [
        'a replica region is listed twice',
        { replicaRegions: ['eu-west-1', 'eu-west-1'] },
        /test\/Acme: replicaRegions\[1\] must not repeat a region listed before it, got "eu-west-1"/,
      ],
      [
        'a tag uses the keyplane: prefix',
        { tags: { 'keyplane:consumer': 'someone-else' } },
        /test\/Acme: tags key must not start with "keyplane:" \(keyplane writes those tags: the consumer's policy\), got "keyplane:consumer"/,
      ],
      [
        'the secret name is longer than Secrets Manager allows',
        { secretName: 'n'.repeat(510) },
        /test\/Acme: secretName must keep the full secret name within Secrets Manager's 512 characters \(with prefix keyplane\/test\/ it is 524\), got "n{510}"/,
      ],
      [
        'no plan is given',
        { usagePlans: [] },
        /test\/Acme: usagePlans must name at least one usage plan \(or set dedicatedPlan\)/,
      ],
    ])('fails when %s', (_case, props, message) => {
      expect(() => key(props)).toThrow(message);
    });

    test('fails when a consumer name is declared twice', () => {
      const stack = newStack();
      const gold = planIn(stack, 'Gold');
      new ManagedApiKey(stack, 'First', { consumer: 'acme', usagePlans: [gold] });
      expect(
        () => new ManagedApiKey(stack, 'Second', { consumer: 'acme', usagePlans: [gold] })
      ).toThrow(
        /test\/Second: consumer "acme" is already declared by test\/First in rotation service keyplane-test; give each consumer its own name/
      );
    });

    test('fails when two of its plans cover the same API stage', () => {
      const stack = newStack();
      const gold = planIn(stack, 'Gold', [{ api: 'shared', stage: 'v1' }]);
      const free = planIn(stack, 'Free', [{ api: 'shared', stage: 'v1' }]);
      expect(
        () => new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: [gold, free] })
      ).toThrow(
        /test\/Acme: usagePlans test\/Gold and test\/Free both cover API shared stage v1; API Gateway allows a key in one plan per API stage/
      );
    });

    test('fails at synth when a plan gains a conflicting stage later', () => {
      const stack = newStack();
      const gold = planIn(stack, 'Gold', [{ api: 'a', stage: 'v1' }]);
      const free = planIn(stack, 'Free', [{ api: 'b', stage: 'v1' }]);
      new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: [gold, free] });
      free.addApiStage({ api: 'a', stage: 'v1' });
      expect(() => Testing.synth(stack, true)).toThrow(
        /usagePlans test\/Gold and test\/Free both cover API a stage v1/
      );
    });

    test('fails when the same plan is named twice', () => {
      const stack = newStack();
      const gold = planIn(stack, 'Gold');
      expect(
        () => new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: [gold, gold] })
      ).toThrow(/test\/Acme: usagePlans names test\/Gold twice/);
    });

    test('fails when a key is in more than 10 plans', () => {
      const stack = newStack();
      const plans = Array.from({ length: 11 }, (_, i) => planIn(stack, `P${i}`));
      expect(
        () => new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: plans })
      ).toThrow(
        /test\/Acme: usagePlans must hold at most 10 plans per region \(API Gateway's limit per key\), got "11 plans"/
      );
    });

    test('accepts exactly 10 plans and a prefix of 90 characters', () => {
      const stack = newStack();
      const plans = Array.from({ length: 10 }, (_, i) => planIn(stack, `P${i}`));
      expect(
        () =>
          new ManagedApiKey(stack, 'Acme', {
            consumer: 'acme',
            usagePlans: plans,
            keyPrefix: 'a'.repeat(90),
          })
      ).not.toThrow();
    });
  });
});
