/**
 * The example app, deployed to the local AWS with `cdktf deploy` and driven through its life:
 * rotations, the keyplane CLI's commands (support/cli.ts), grace, retirement, deletion, config
 * changes, revoke and destroy. The rotation Lambda runs for real (moto invokes the deployed
 * bundle with Node).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';
import {
  GetUsageCommand,
  GetUsagePlansCommand,
  paginateGetApiKeys,
  TagResourceCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetDashboardCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { parseDurationSeconds } from '../../contract/durations';
import { DEFAULT_GRACE_PERIOD_SECONDS } from '../../contract/policy-rules';
import { KeyTag } from '../../contract/tags';
import { LAMBDA_LOG_DIR, LAUNCHER_LOG } from '../../scripts/local-aws';
import { filesUnder } from '../support/files';
import { simulateTraffic } from '../support/simulated-traffic';
import {
  apiGateway,
  expire,
  invariantViolations,
  invoke,
  issuedValues,
  lambda,
  planMembers,
  rotate,
  secretsManager,
  sweep,
  viewKey,
  viewSecret,
} from './support/aws';
import { cliTests } from './support/cli';
import { coTenantAttacks } from './support/co-tenant';
import { cdktf, cdktfOutputs, leaks } from './support/deploy';

jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '..', '..');
const ENV = 'e2e';
const SERVICE = `keyplane-${ENV}`;
const FUNCTION = `${SERVICE}-rotation`;
const READER = 'arn:aws:iam::123456789012:role/acme-client';
const ONCALL = 'oncall@example.com';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-e2e-'));
const configFile = path.join(work, 'keyplane.config.json');
const outdir = path.join(work, 'cdktf.out');
const secretId = (consumer: string) => `keyplane/${ENV}/${consumer}`;

/** The shipped example, as environment "e2e" with its state in the work folder. */
function writeConfig(edit: (env: ExampleEnv) => void = () => undefined): ExampleEnv {
  const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'keyplane.config.json'), 'utf8'));
  const env = Object.values(example.environments)[0] as ExampleEnv;
  env.backend = { local: { path: path.join(work, 'terraform.e2e.tfstate') } };
  env.consumers.acme.readers = [READER];
  // Kept for a week when deleted, as by default (30 days): destroy leaves it scheduled for
  // deletion, and the deploy after it must say so (issue #13, recreate after destroy).
  env.consumers.globex.recoveryWindowInDays = 7;
  env.rotation = { ...env.rotation, alarmEmails: [ONCALL] };
  edit(env);
  fs.writeFileSync(configFile, JSON.stringify({ environments: { [ENV]: env } }));
  return env;
}
interface ExampleEnv {
  backend?: object;
  rotation?: Record<string, unknown>;
  usagePlans: Record<string, { quota?: { limit: number }; throttle?: object }>;
  consumers: Record<
    string,
    { plans: string[]; readers?: string[]; gracePeriod?: string; recoveryWindowInDays?: number }
  >;
}

const deploy = () => cdktf('deploy', [ENV], { outdir, env: { KEYPLANE_CONFIG: configFile } });
/** Error messages the function returned, for the leak scan. */
const errorMessages: string[] = [];

async function planIds(): Promise<Record<string, string>> {
  const plans = await apiGateway.send(new GetUsagePlansCommand({ limit: 500 }));
  return Object.fromEntries(
    (plans.items ?? [])
      .filter((p) => p.name?.startsWith(`${SERVICE}-`))
      .map((p) => [p.name!.slice(SERVICE.length + 1), p.id!])
  );
}

/** Requests made with a key through a plan, counted by the emulator as API Gateway would. */
async function traffic(planId: string, keyId: string, requests: number): Promise<number> {
  const region = await apiGateway.config.region();
  const endpoint = process.env.KEYPLANE_AWS_ENDPOINT ?? process.env.AWS_ENDPOINT_URL ?? '';
  return (await simulateTraffic(endpoint, region, { usagePlanId: planId, keyId, requests }))
    .accepted;
}

/** What the key has left of the plan's quota today, from GetUsage. */
async function remainingToday(planId: string, keyId: string): Promise<number | undefined> {
  const today = new Date().toISOString().slice(0, 10);
  const usage = await apiGateway.send(
    new GetUsageCommand({ usagePlanId: planId, keyId, startDate: today, endDate: today })
  );
  return usage.items?.[keyId]?.[0]?.[1];
}

/** Moves the first reading in a key's usage mark `hours` into the past, as if time had run. */
async function ageUsageMark(keyId: string, hours: number): Promise<void> {
  const mark = (await viewKey(keyId))!.tags[KeyTag.USAGE_MARK];
  const since = new Date(Date.now() - hours * 3600_000).toISOString();
  const region = await apiGateway.config.region();
  await apiGateway.send(
    new TagResourceCommand({
      resourceArn: `arn:aws:apigateway:${region}::/apikeys/${keyId}`,
      tags: { [KeyTag.USAGE_MARK]: mark.replace(/\S+$/, since) },
    })
  );
}

async function serviceKeys() {
  const keys = [];
  for await (const page of paginateGetApiKeys({ client: apiGateway, pageSize: 500 }, {})) {
    keys.push(...(page.items ?? []).filter((k) => k.tags?.[KeyTag.SERVICE] === SERVICE));
  }
  return keys;
}

describe('the example app on the local AWS', () => {
  const example = writeConfig();
  const consumers = Object.keys(example.consumers);
  /** Keys retired by rotations, per consumer, newest last. */
  const outgoing: Record<string, string[]> = Object.fromEntries(consumers.map((c) => [c, []]));

  beforeAll(() => deploy());
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('deploys every resource as declared', async () => {
    const plans = await apiGateway.send(new GetUsagePlansCommand({ limit: 500 }));
    const byName = Object.fromEntries((plans.items ?? []).map((p) => [p.name, p]));
    expect(byName[`${SERVICE}-free`]).toMatchObject({
      quota: { limit: 1000, period: 'DAY' },
      throttle: { rateLimit: 5, burstLimit: 10 },
    });
    const gold = byName[`${SERVICE}-gold`];
    expect(gold).toMatchObject({
      quota: { limit: 1000000, period: 'MONTH' },
      throttle: { rateLimit: 100, burstLimit: 200 },
    });
    expect(gold.apiStages).toEqual([
      expect.objectContaining({
        stage: 'v1',
        throttle: { '/pets/POST': { rateLimit: 10, burstLimit: 20 } },
      }),
    ]);

    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: FUNCTION }));
    expect(fn.Configuration).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    for (const consumer of consumers) {
      const secret = await secretsManager.send(
        new DescribeSecretCommand({ SecretId: secretId(consumer) })
      );
      expect(secret.KmsKeyId).toBe(fn.Configuration?.KMSKeyArn);
      expect(secret.RotationLambdaARN).toBe(fn.Configuration?.FunctionArn);
      expect(Object.fromEntries((secret.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
        'keyplane:consumer': consumer,
        'keyplane:service': SERVICE,
      });
    }
    const policy = await secretsManager.send(
      new GetResourcePolicyCommand({ SecretId: secretId('acme') })
    );
    expect(JSON.parse(policy.ResourcePolicy!).Statement[0].Principal.AWS).toEqual([READER]);

    const roleName = fn.Configuration!.Role!.split('/').pop()!;
    const rolePolicy = await new IAMClient({}).send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'rotate-api-keys' })
    );
    expect(decodeURIComponent(rolePolicy.PolicyDocument!)).toContain(`secret:keyplane/${ENV}/*`);
    const events = new EventBridgeClient({});
    expect(
      (await events.send(new DescribeRuleCommand({ Name: `${SERVICE}-sweep` }))).ScheduleExpression
    ).toBe('rate(1 hour)');
    const [target] =
      (await events.send(new ListTargetsByRuleCommand({ Rule: `${SERVICE}-sweep` }))).Targets ?? [];
    expect(JSON.parse(target.Input!)).toEqual({ action: 'sweep' });
  });

  test('deploys the monitoring: an encrypted alarm topic, its subscription, alarms, a dashboard', async () => {
    const sns = new SNSClient({});
    const topics = await sns.send(new ListTopicsCommand({}));
    const topicArn = topics.Topics?.map((t) => t.TopicArn!).find((arn) =>
      arn.endsWith(`:${SERVICE}-alarms`)
    );
    expect(topicArn).toBeDefined();
    const { Attributes: topic } = await sns.send(
      new GetTopicAttributesCommand({ TopicArn: topicArn })
    );
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: FUNCTION }));
    expect(topic?.KmsMasterKeyId).toBe(fn.Configuration?.KMSKeyArn);
    expect(JSON.parse(topic!.Policy!).Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
      }),
    ]);
    const subscriptions = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn })
    );
    expect(subscriptions.Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([
      ['email', ONCALL],
    ]);

    const cloudwatch = new CloudWatchClient({});
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: SERVICE }));
    expect(alarms.MetricAlarms?.map((a) => `${a.Namespace} ${a.MetricName}`).sort()).toEqual([
      'AWS/Lambda Errors',
      'AWS/SQS ApproximateNumberOfMessagesVisible',
      'Keyplane HeldKeys',
      'Keyplane OverdueConsumers',
      'Keyplane RotationFailures',
      'Keyplane SweepFailures',
    ]);
    for (const alarm of alarms.MetricAlarms ?? []) {
      expect(alarm.AlarmActions).toEqual([topicArn]);
      expect(alarm.OKActions).toEqual([topicArn]);
    }
    const dashboard = await cloudwatch.send(new GetDashboardCommand({ DashboardName: SERVICE }));
    const metrics = JSON.parse(dashboard.DashboardBody!).widgets.flatMap(
      (w: { properties: { metrics?: string[][] } }) => w.properties.metrics ?? []
    );
    expect(metrics).toContainEqual([
      'Keyplane',
      'Rotations',
      'Service',
      SERVICE,
      { label: 'rotations' },
    ]);
    expect(metrics).toContainEqual(
      expect.arrayContaining(['AWS/ApiGateway', 'Count', 'ApiName', 'keyplane-demo', 'Stage', 'v1'])
    );
  });

  test('turning rotation on issued every consumer its first key', async () => {
    expect(consumers.length).toBeGreaterThanOrEqual(3);
    for (const consumer of consumers) {
      expect(await invariantViolations(secretId(consumer))).toEqual([]);
    }
  });

  test('rotates every consumer three times; the previous key keeps working through its grace', async () => {
    for (let round = 1; round <= 3; round++) {
      for (const consumer of consumers) {
        const before = await viewSecret(secretId(consumer));
        await rotate(secretId(consumer));
        const after = await viewSecret(secretId(consumer));
        expect({ consumer, round, moved: after.currentVersion !== before.currentVersion }).toEqual({
          consumer,
          round,
          moved: true,
        });
        expect(await invariantViolations(secretId(consumer))).toEqual([]);
        const previous = await viewKey(before.currentKeyId!);
        expect(previous?.enabled).toBe(true);
        for (const planId of before.planIds)
          expect(await planMembers(planId)).toContain(before.currentKeyId);
        const retireAfter = Date.parse(previous!.tags[KeyTag.RETIRE_AFTER]);
        const declared = example.consumers[consumer].gracePeriod;
        const grace =
          (declared === undefined
            ? DEFAULT_GRACE_PERIOD_SECONDS
            : parseDurationSeconds(declared)!) * 1000;
        expect(Math.abs(retireAfter - (Date.now() + grace))).toBeLessThan(120_000);
        outgoing[consumer].push(before.currentKeyId!);
      }
    }
  });

  describe('the keyplane CLI on this deployment', () =>
    cliTests({
      service: SERVICE,
      consumers,
      secretId,
      goldQuotaLimit: example.usagePlans.gold.quota!.limit,
      cwd: work,
    }));

  test('a sweep inside the grace period changes nothing', async () => {
    await sweep(FUNCTION);
    expect(Object.values(outgoing).flat()).toHaveLength(consumers.length * 3);
    // globex was revoked by the CLI tests: a revoke disables its grace-period keys too.
    for (const [consumer, keyIds] of Object.entries(outgoing))
      for (const keyId of keyIds)
        expect({ consumer, keyId, enabled: (await viewKey(keyId))?.enabled }).toEqual({
          consumer,
          keyId,
          enabled: consumer !== 'globex',
        });
  });

  test('a sweep past grace disables retired keys and takes them out of their plans; past the second period it deletes them', async () => {
    const ids = await planIds();
    const retired = Object.values(outgoing).flat();
    expect(retired).toHaveLength(consumers.length * 3);
    for (const keyId of retired) await expire(keyId, KeyTag.RETIRE_AFTER);
    await sweep(FUNCTION);
    const members = new Set([...(await planMembers(ids.free)), ...(await planMembers(ids.gold))]);
    for (const keyId of retired) {
      const key = await viewKey(keyId);
      expect({
        keyId,
        enabled: key?.enabled,
        inAPlan: members.has(keyId),
        deleteAfter: Boolean(key?.tags[KeyTag.DELETE_AFTER]),
      }).toEqual({ keyId, enabled: false, inAPlan: false, deleteAfter: true });
    }
    for (const consumer of consumers)
      expect(await invariantViolations(secretId(consumer))).toEqual([]);

    for (const keyId of retired) await expire(keyId, KeyTag.DELETE_AFTER);
    await sweep(FUNCTION);
    for (const keyId of retired) expect(await viewKey(keyId)).toBeUndefined();
    for (const consumer of consumers)
      expect(await invariantViolations(secretId(consumer))).toEqual([]);
  });

  test("a consumer's plans follow the config: redeployed and swept, its key moves", async () => {
    writeConfig((env) => (env.consumers.globex.plans = ['free']));
    deploy();
    await sweep(FUNCTION);
    const ids = await planIds();
    const { currentKeyId } = await viewSecret(secretId('globex'));
    expect(await planMembers(ids.free)).toContain(currentKeyId);
    expect(await planMembers(ids.gold)).not.toContain(currentKeyId);
    expect(await invariantViolations(secretId('globex'))).toEqual([]);
  });

  test('an outgoing key is retired early once its consumer has moved, and the current key gets the quota back', async () => {
    const ids = await planIds();
    const old = (await viewSecret(secretId('initech'))).currentKeyId!;
    await rotate(secretId('initech'));
    const { currentKeyId } = await viewSecret(secretId('initech'));
    await sweep(FUNCTION); // the first reading of the old key's counters
    expect(await traffic(ids.free, currentKeyId!, 20)).toBe(20); // the consumer moved
    await ageUsageMark(old, 7); // quiet for longer than the 6h quiet period

    const counts = await sweep(FUNCTION);

    expect(counts.retiredEarly).toBe(1);
    expect((await viewKey(old))?.enabled).toBe(false);
    expect(await planMembers(ids.free)).not.toContain(old);
    expect(await remainingToday(ids.free, currentKeyId!)).toBe(1000 - 20); // the whole pool
    expect(await invariantViolations(secretId('initech'))).toEqual([]);
    await expire(old, KeyTag.DELETE_AFTER);
    await sweep(FUNCTION);
    expect(await viewKey(old)).toBeUndefined();
  });

  test("a removed consumer's keys are retired, then deleted", async () => {
    const { currentKeyId } = await viewSecret(secretId('initech'));
    writeConfig((env) => {
      env.consumers.globex.plans = ['free'];
      delete env.consumers.initech;
    });
    deploy();
    await sweep(FUNCTION);
    expect((await viewKey(currentKeyId!))?.enabled).toBe(false);
    await expire(currentKeyId!, KeyTag.DELETE_AFTER);
    await sweep(FUNCTION);
    expect(await viewKey(currentKeyId!)).toBeUndefined();
    expect(
      (await serviceKeys()).filter((k) => k.tags?.[KeyTag.SECRET_ARN]?.includes('/initech'))
    ).toEqual([]);
  });

  test('the quota is carried to the new key, an old key still used is held past grace, and both keys together stay within quota + slack', async () => {
    const ids = await planIds();
    const limit = example.usagePlans.gold.quota!.limit;
    const slack = Math.ceil(limit / 10);
    const acme = await viewSecret(secretId('acme'));
    const old = acme.currentKeyId!;
    // The key `keyplane rotate acme` (CLI tests) left in its grace period is retired first: the
    // bound is for a consumer's two latest keys.
    const earlier = (await serviceKeys()).filter(
      (k) => k.enabled && k.tags?.[KeyTag.SECRET_ARN] === acme.arn && k.id !== old
    );
    for (const key of earlier) await expire(key.id!, KeyTag.RETIRE_AFTER);
    await sweep(FUNCTION);
    expect(await traffic(ids.gold, old, 1000)).toBe(1000);

    await rotate(secretId('acme'));

    const { currentKeyId } = await viewSecret(secretId('acme'));
    // Carried: the new key starts from the follower's share, not a fresh quota.
    expect(await remainingToday(ids.gold, currentKeyId!)).toBe(slack);
    await sweep(FUNCTION); // the first reading
    expect(await traffic(ids.gold, old, 500)).toBe(500); // the consumer is still on the old key
    await expire(old, KeyTag.RETIRE_AFTER);

    const counts = await sweep(FUNCTION);

    expect(counts.held).toBe(1);
    const held = await viewKey(old);
    expect(held?.enabled).toBe(true);
    expect(held?.tags[KeyTag.HELD_SINCE]).toEqual(expect.any(String));
    expect(await planMembers(ids.gold)).toContain(old);
    // Whatever both keys try now, together they spend at most the quota plus the slack.
    const served =
      (await traffic(ids.gold, old, 2 * limit)) +
      (await traffic(ids.gold, currentKeyId!, 2 * limit));
    expect(1500 + served).toBeLessThanOrEqual(limit + slack);
    expect(1500 + served).toBeGreaterThanOrEqual(limit);
  });

  test('revoke issues a new key and disables every other key at once, grace keys included', async () => {
    const before = await viewSecret(secretId('acme'));
    const result = await invoke<{ keyId: string; revokedKeyIds: string[] }>(FUNCTION, {
      action: 'revoke',
      secretId: secretId('acme'),
    });
    expect(result.revokedKeyIds).toContain(before.currentKeyId);
    // The key held above is revoked too: an emergency revoke ignores holds.
    expect(result.revokedKeyIds).toHaveLength(2);
    // Disabled, or already deleted by the sweep tests above.
    for (const keyId of outgoing.acme) expect((await viewKey(keyId))?.enabled).not.toBe(true);
    const enabled = (await serviceKeys()).filter(
      (k) => k.enabled && k.tags?.[KeyTag.SECRET_ARN] === before.arn
    );
    expect(enabled.map((k) => k.id)).toEqual([result.keyId]);
    expect((await viewKey(before.currentKeyId!))?.enabled).toBe(false);
    const after = await viewSecret(secretId('acme'));
    expect(after.currentKeyId).toBe(result.keyId);
    expect(await invariantViolations(secretId('acme'))).toEqual([]);
  });

  describe("a co-tenant's attacks (issue #11) on this deployment", () =>
    coTenantAttacks({
      service: SERVICE,
      functionName: FUNCTION,
      secretId,
      victim: 'globex',
    }));

  test('terraform plan of the deployed app shows no key value, and a bad event echoes none', async () => {
    cdktf('diff', [ENV], { outdir, env: { KEYPLANE_CONFIG: configFile } });
    // Everything deployed matches the config: a plan that wanted changes would be drift.
    expect(stripVTControlCharacters(cdktfOutputs.at(-1)!)).toMatch(
      /No changes\. Your infrastructure matches the configuration\./
    );
    // An event whose every field is an issued key: the error must repeat none of them.
    const [key] = issuedValues;
    const rejected = await invoke(FUNCTION, { SecretId: key, ClientRequestToken: key, Step: key })
      .then(() => 'accepted')
      .catch((error: Error) => error.message);
    expect(rejected).toMatch(/invalid rotation event: Step must be one of .*, got "\[REDACTED\]"$/);
    errorMessages.push(rejected);
  });

  test('cdktf destroy leaves no managed key behind', async () => {
    expect((await serviceKeys()).length).toBeGreaterThan(0);
    cdktf('destroy', [ENV], { outdir, env: { KEYPLANE_CONFIG: configFile } });
    expect(await serviceKeys()).toEqual([]);
  });

  test('after destroy, a deploy fails before it creates any secret, naming the one scheduled for deletion and the fix', async () => {
    const globex = await secretsManager.send(
      new DescribeSecretCommand({ SecretId: secretId('globex') })
    );
    expect(globex.DeletedDate).toBeInstanceOf(Date);

    let failure = '';
    try {
      deploy();
    } catch (error) {
      failure = (error as Error).message.replace(/\s+/g, ' ');
    }

    expect(failure).toMatch(
      /declares 1 secret\(s\) scheduled for deletion, which Secrets Manager will not create again until their recovery window ends: keyplane\/e2e\/globex\./
    );
    expect(failure).toContain(
      'aws secretsmanager delete-secret --force-delete-without-recovery --secret-id keyplane/e2e/globex'
    );
    // The check runs before Terraform creates any secret: none of the others came back.
    for (const consumer of consumers.filter((c) => c !== 'globex')) {
      await expect(
        secretsManager.send(new DescribeSecretCommand({ SecretId: secretId(consumer) }))
      ).rejects.toThrow(/can't find|ResourceNotFound/i);
    }
    // The fix, as the message gives it; then the part of the stack the failed deploy made goes.
    await secretsManager.send(
      new DeleteSecretCommand({ SecretId: secretId('globex'), ForceDeleteWithoutRecovery: true })
    );
    cdktf('destroy', [ENV], { outdir, env: { KEYPLANE_CONFIG: configFile } });
    expect(await serviceKeys()).toEqual([]);
  });

  test('no key value is in the state, the synth output, the cdktf output and plan, any log, metric line or error', () => {
    expect(issuedValues.size).toBeGreaterThanOrEqual(consumers.length * 4);
    const files = [...filesUnder(work), ...filesUnder(LAMBDA_LOG_DIR), LAUNCHER_LOG].filter((f) =>
      fs.existsSync(f)
    );
    expect(files.some((f) => f.endsWith('.tfstate'))).toBe(true);
    // The scanned Lambda logs hold the EMF metric lines (one per invocation) too.
    const lambdaLogs = filesUnder(LAMBDA_LOG_DIR).map((f) => fs.readFileSync(f, 'utf8'));
    expect(lambdaLogs.join('\n')).toMatch(/"CloudWatchMetrics"/);
    expect(errorMessages.length).toBeGreaterThan(0);
    expect(leaks(issuedValues, files, [...cdktfOutputs, ...errorMessages])).toEqual([]);
  });
});
