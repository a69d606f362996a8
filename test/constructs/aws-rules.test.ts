import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import {
  Duration,
  KeyRotationSchedule,
  ManagedApiKey,
  ManagedApiKeyProps,
  Period,
  RotationService,
  UsagePlan,
} from '../../constructs';
import { newStack, synthJson } from '../support/stack';

/**
 * Bad inputs AWS (or the rotation function) would refuse after apply, by category: each with a
 * case synth accepts and one it rejects, naming the field, the value and the rule.
 */

function plan(stack: TerraformStack, id = 'Plan'): UsagePlan {
  return new UsagePlan(stack, id, { name: id, apiStages: [{ api: `api${id}`, stage: 'v1' }] });
}

function keyWith(props: Partial<ManagedApiKeyProps>): () => void {
  return () => {
    const stack = newStack();
    new ManagedApiKey(stack, 'Key', { consumer: 'acme', usagePlans: [plan(stack)], ...props });
    synthJson(stack);
  };
}

describe('AWS rules at synth', () => {
  test.each<[string, Partial<ManagedApiKeyProps>, Partial<ManagedApiKeyProps>, RegExp]>([
    [
      'rotation window may equal the interval',
      {
        schedule: KeyRotationSchedule.expression('rate(6 hours)'),
        gracePeriod: Duration.hours(1),
        rotationWindow: Duration.hours(6),
      },
      {
        schedule: KeyRotationSchedule.expression('rate(6 hours)'),
        gracePeriod: Duration.hours(1),
        rotationWindow: Duration.hours(7),
      },
      /rotationWindow must not reach into the next rotation window: at most 6h.*, got "7h"/,
    ],
    [
      'a cron window stays inside its UTC day',
      {
        schedule: KeyRotationSchedule.expression('cron(0 20 ? * MON *)'),
        rotationWindow: Duration.hours(4),
      },
      {
        schedule: KeyRotationSchedule.expression('cron(0 20 ? * MON *)'),
        rotationWindow: Duration.hours(5),
      },
      /rotationWindow must not reach into the next UTC day: the window opens at 20:00, so at most 4h, got "5h"/,
    ],
    [
      'rate days within 1000',
      { schedule: KeyRotationSchedule.expression('rate(1000 days)') },
      { schedule: KeyRotationSchedule.expression('rate(1001 days)') },
      /schedule must have N from 1 to 1000 in rate\(N days\).*, got "rate\(1001 days\)"/,
    ],
    [
      'rate hours from 4 up to the longest interval (AWS sets no 23-hour cap)',
      {
        schedule: KeyRotationSchedule.expression('rate(48 hours)'),
        gracePeriod: Duration.hours(1),
      },
      { schedule: KeyRotationSchedule.expression('rate(24001 hours)') },
      /schedule must have N from 4 to 24000 in rate\(N hours\).*, got "rate\(24001 hours\)"/,
    ],
    [
      'cron dates that exist',
      { schedule: KeyRotationSchedule.expression('cron(0 0 31 * ? *)') },
      { schedule: KeyRotationSchedule.expression('cron(0 0 30 2 ? *)') },
      /schedule must name a date that exists .*, got "cron\(0 0 30 2 \? \*\)"/,
    ],
    [
      'cron with ? in one day field',
      { schedule: KeyRotationSchedule.expression('cron(0 0 1 * ? *)') },
      { schedule: KeyRotationSchedule.expression('cron(0 0 1 * * *)') },
      /schedule must have \? in exactly one of day-of-month and day-of-week .*, got "cron\(0 0 1 \* \* \*\)"/,
    ],
    [
      'grace periods the function reads',
      {
        schedule: KeyRotationSchedule.expression('rate(999 days)'),
        gracePeriod: Duration.days(365),
      },
      {
        schedule: KeyRotationSchedule.expression('rate(999 days)'),
        gracePeriod: Duration.days(400),
      },
      /gracePeriod must be at most 365d \(the rotation function's limit\), got "400d"/,
    ],
    [
      'integer ranges',
      { recoveryWindowInDays: 7 },
      { recoveryWindowInDays: 7.5 },
      /recoveryWindowInDays must be 0 or an integer from 7 to 30, got 7.5/,
    ],
    [
      'regions that exist',
      { replicaRegions: ['eu-west-3'] },
      { replicaRegions: ['eu-west-4'] },
      /replicaRegions\[0\] must be an AWS region such as "eu-west-1", got "eu-west-4"/,
    ],
    [
      'principals IAM can name',
      { readers: ['arn:aws:iam::111122223333:role/team/reader'] },
      { readers: ['arn:aws:iam::1111:role/reader'] },
      /readers\[0\] must be an IAM principal ARN: .*, got "arn:aws:iam::1111:role\/reader"/,
    ],
    [
      'tag keys AWS does not reserve',
      { tags: { team: 'payments' } },
      { tags: { 'aws:team': 'payments' } },
      /tags key must not start with "aws:" \(AWS reserves it\), got "aws:team"/,
    ],
  ])('%s', (_rule, accepted, rejected, message) => {
    expect(keyWith(accepted)).not.toThrow();
    expect(keyWith(rejected)).toThrow(message);
  });

  test('one plan per stage per key holds when the stage is given as cdktf resources', () => {
    const stack = newStack();
    const api = new ApiGatewayRestApi(stack, 'Api', { name: 'orders' });
    const stage = new ApiGatewayStage(stack, 'Stage', {
      restApiId: api.id,
      stageName: 'prod',
      deploymentId: 'd1',
    });
    const gold = new UsagePlan(stack, 'Gold', { name: 'gold', apiStages: [{ api, stage }] });
    const other = new UsagePlan(stack, 'Other', {
      name: 'other',
      apiStages: [{ api, stage: 'test' }],
    });
    new ManagedApiKey(stack, 'Fine', { consumer: 'fine', usagePlans: [gold, other] });
    expect(
      () =>
        new ManagedApiKey(stack, 'Acme', {
          consumer: 'acme',
          usagePlans: [gold],
          dedicatedPlan: { apiStages: [{ api, stage: 'prod' }] },
        })
    ).toThrow(
      /^test\/Acme: usagePlans test\/Gold and test\/Acme\/DedicatedPlan both cover API test\/Api stage prod; API Gateway allows a key in one plan per API stage/
    );
  });

  test("a replica region is not the stack's own", () => {
    expect(keyWith({ replicaRegions: ['us-east-2'] })).not.toThrow();
    expect(keyWith({ replicaRegions: ['us-east-1'] })).toThrow(
      /replicaRegions\[0\] must not be the stack's own region, where the secret already is, got "us-east-1"/
    );
  });

  test('quota limits fit the 32-bit integer API Gateway takes', () => {
    const planWith = (limit: number) => () =>
      new UsagePlan(newStack(), 'P', { name: 'p', quota: { limit, period: Period.DAY } });
    expect(planWith(2_147_483_647)).not.toThrow();
    expect(planWith(2_147_483_648)).toThrow(
      /P: quota.limit must be at most 2147483647 \(AWS takes a 32-bit integer\), got 2147483648/
    );
  });

  test('plan tags AWS does not reserve', () => {
    const planWith = (tags: Record<string, string>) => () =>
      new UsagePlan(newStack(), 'P', { name: 'p', tags });
    expect(planWith({ team: 'x' })).not.toThrow();
    expect(planWith({ 'AWS:team': 'x' })).toThrow(
      /P: tags key must not start with "aws:" \(AWS reserves it\), got "AWS:team"/
    );
  });

  test('secret names are unique in a service', () => {
    const stack = newStack();
    const shared = plan(stack);
    new ManagedApiKey(stack, 'A', { consumer: 'a', usagePlans: [shared], secretName: 'a' });
    new ManagedApiKey(stack, 'B', { consumer: 'b', usagePlans: [shared], secretName: 'b2' });
    expect(
      () => new ManagedApiKey(stack, 'C', { consumer: 'c', usagePlans: [shared], secretName: 'a' })
    ).toThrow(
      /test\/C: secretName makes the secret name "keyplane\/test\/a", already used by test\/A/
    );
  });

  test('deleteRetiredAfter stays within what the function reads', () => {
    expect(
      () => new RotationService(newStack(), 'R', { deleteRetiredAfter: Duration.days(3650) })
    ).not.toThrow();
    expect(
      () => new RotationService(newStack(), 'R', { deleteRetiredAfter: Duration.days(3651) })
    ).toThrow(/R: deleteRetiredAfter must be from 1h to 3650d .*, got "3651d"/);
  });

  test('IAM role names must differ beyond case', () => {
    const app = Testing.app();
    for (const id of ['Prod', 'prod']) {
      const stack = new TerraformStack(app, id);
      new AwsProvider(stack, 'aws', { region: id === 'Prod' ? 'us-east-1' : 'eu-west-1' });
      new RotationService(stack, 'R');
    }
    const [first, second] = app.node.children as TerraformStack[];
    expect(() => first.runAllValidations()).not.toThrow();
    expect(() => second.runAllValidations()).toThrow(
      /serviceName "keyplane-prod" makes the same IAM role name as Prod\/R \("keyplane-Prod"\)/
    );
  });

  test('the capacity budget: an error over 10,000 keys, a warning near it', () => {
    const build = (
      consumers: number,
      accountQuotas?: object,
      maxRetainedKeys = 100,
      keyBudget?: number
    ): TerraformStack => {
      const stack = newStack();
      if (accountQuotas || keyBudget)
        new RotationService(stack, 'Rotation', {
          ...(accountQuotas ? { accountQuotas } : {}),
          ...(keyBudget ? { keyBudget } : {}),
        });
      const shared = plan(stack);
      // rate(4 hours), 3h grace, 7d retention, 1h sweep: 1 + ceil(172h / 4h) = 44 keys each,
      // with caps (maxLiveKeys + maxRetainedKeys + 1) that allow them.
      for (let i = 0; i < consumers; i++) {
        new ManagedApiKey(stack, `K${i}`, {
          consumer: `c${i}`,
          usagePlans: [shared],
          schedule: KeyRotationSchedule.every(Duration.hours(4)),
          gracePeriod: Duration.hours(3),
          maxRetainedKeys,
        });
      }
      return stack;
    };
    // The default caps bound each consumer to 2 + 2 + 1 = 5 keys whatever its schedule.
    expect(() => build(228, undefined, 2).runAllValidations()).not.toThrow();
    // The service's key budget bounds the service: 228 x 44 would not fit, 9,000 does.
    expect(() => build(228, undefined, 100, 9_000).runAllValidations()).not.toThrow();
    const near = build(200);
    expect(() => near.runAllValidations()).not.toThrow();
    const warnings = near.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn'))
      .map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/may hold up to 8800 API keys at once/)]);
    expect(() => build(228).runAllValidations()).toThrow(
      /may hold up to 10032 API keys at once .*against API Gateway's default quota of 10000 per region; .*state it in the rotation service's accountQuotas/
    );
    // A raised quota, stated: counted against it instead.
    expect(() => build(228, { apiKeysPerRegion: 20_000 }).runAllValidations()).not.toThrow();
    expect(() => build(228, { apiKeysPerRegion: 10_001 }).runAllValidations()).toThrow(
      /may hold up to 10032 API keys at once .*against the account's quota of 10001 per region \(accountQuotas\)/
    );
    expect(() => build(1, { usagePlansPerRegion: 0 })).toThrow(
      /accountQuotas\.usagePlansPerRegion must be a positive integer, got 0/
    );
  });

  test('the capacity budget counts a multi-region key in every region it is made in', () => {
    const app = Testing.app();
    // 114 consumers x 44 keys (rate(4 hours), 3h grace, 7d retention) = 5,016 per region.
    const consumers = (stack: TerraformStack, plans: UsagePlan[]) => {
      for (let i = 0; i < 114; i++) {
        new ManagedApiKey(stack, `K${i}`, {
          consumer: `c${i}`,
          usagePlans: plans,
          schedule: KeyRotationSchedule.every(Duration.hours(4)),
          gracePeriod: Duration.hours(3),
          maxRetainedKeys: 100,
        });
      }
    };
    const us = new TerraformStack(app, 'Us');
    new AwsProvider(us, 'aws', { region: 'us-east-1' });
    const euPlan = new UsagePlan(us, 'Eu', {
      name: 'Eu',
      apiStages: [{ api: 'apiEu', stage: 'v1' }],
      region: 'eu-west-1',
    });
    consumers(us, [plan(us), euPlan]);
    const eu = new TerraformStack(app, 'Eu');
    new AwsProvider(eu, 'aws', { region: 'eu-west-1' });
    consumers(eu, [plan(eu)]);

    // eu-west-1 holds the further-region keys of Us and the keys of Eu: 10,032. us-east-1: 5,016.
    expect(() => us.runAllValidations()).toThrow(
      /region eu-west-1 may hold up to 10032 API keys at once .*against API Gateway's default quota of 10000 per region/
    );
    expect(() => us.runAllValidations()).not.toThrow(/region us-east-1/);
    // Reported once, by the first service with keys there.
    expect(() => eu.runAllValidations()).not.toThrow();
  });
});
