import { LambdaEnv, SWEEP_EVENT } from '../../../contract';
import {
  ConfigurationError,
  InvalidEventError,
  RotationError,
} from '../../../lambdas/rotation/errors';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { handler, verifyKeyValue } from '../../../lambdas/rotation/index';
import type { SweepResult } from '../../../lambdas/rotation/sweep';
import { FakeAws, REGION, type FakeSecret, OWNERSHIP_KEY_ID } from './support/fake-aws';
import {
  declaredConsumers,
  PREFIX,
  SERVICE,
  seedConsumer,
  TOKEN,
  TOKEN_2,
} from './support/fixtures';
import { writePolicyFile } from './support/policy-file';
import { captureStdout, logLines, metricLines, type CapturedStdout } from './support/stdout';

const POLICIES = declaredConsumers();
const fake = new FakeAws();
const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 900_000 };
let secret: FakeSecret;
let stdout: CapturedStdout;

beforeAll(() => {
  process.env[LambdaEnv.SERVICE] = SERVICE;
  process.env[LambdaEnv.SECRET_PREFIX] = PREFIX;
  process.env.AWS_REGION = REGION;
  process.env[LambdaEnv.OWNERSHIP_KEY_ID] = OWNERSHIP_KEY_ID;
  process.env[LambdaEnv.POLICY_FILE] = writePolicyFile(SERVICE, POLICIES);
});

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
  stdout = captureStdout();
});

afterEach(() => stdout.restore());

/** What Secrets Manager does: stage the version, then invoke the function once per step. */
async function rotateThroughHandler(token: string): Promise<void> {
  fake.startRotation(secret, token);
  for (const step of ROTATION_STEPS) {
    await expect(
      handler({ SecretId: secret.arn, ClientRequestToken: token, Step: step }, context)
    ).resolves.toBeUndefined();
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('handler', () => {
  describe('API calls of one full rotation (four invocations, one warm container)', () => {
    test('later rotation, two plans: 4 API Gateway calls (2 + P, no list call); 7 Secrets Manager calls', async () => {
      await rotateThroughHandler(TOKEN);
      fake.clearCalls();

      await rotateThroughHandler(TOKEN_2);

      // The exact sequence per step is pinned in call-sequence.test.ts.
      expect(fake.callCounts()).toEqual({
        DescribeSecret: 4, // the preconditions of each step
        GenerateMac: 3, // the value's seed, the creation proof, the record proof
        CreateApiKey: 1,
        PutSecretValue: 1,
        CreateUsagePlanKey: 2, // one per declared plan
        TagResource: 1, // the outgoing key's retire-after
        UpdateSecretVersionStage: 1,
      });
      expect(total(fake.callCounts())).toBe(13);
    });
  });

  test('publishes one EMF line per invocation and counts the rotation once, at finishSecret', async () => {
    await rotateThroughHandler(TOKEN);

    const metrics = metricLines(stdout);
    expect(metrics.map((m) => [m.Operation, m.Rotations, m.Failures])).toEqual([
      ['createSecret', 0, 0],
      ['setSecret', 0, 0],
      ['testSecret', 0, 0],
      ['finishSecret', 1, 0],
    ]);
    expect(metrics[0]).toMatchObject({ Service: SERVICE, DurationMs: expect.any(Number) });
  });

  test('tags every log line with the request id', async () => {
    await rotateThroughHandler(TOKEN);
    const lines = logLines(stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.requestId).toBe('req-1');
  });

  test('sweep: returns the result and counts retirements and deletions', async () => {
    await rotateThroughHandler(TOKEN);

    const result = (await handler(SWEEP_EVENT, context)) as SweepResult;

    expect(result).toMatchObject({ complete: true, counts: { keysExamined: 1, failures: 0 } });
    expect(result.cursor).toBeUndefined();
    expect(metricLines(stdout).at(-1)).toMatchObject({
      Operation: 'sweep',
      Retirements: 0,
      SweepFailures: 0,
      OverdueConsumers: 0,
    });
  });

  test('only the sweep publishes OverdueConsumers, so its absence means no sweep ran', async () => {
    await rotateThroughHandler(TOKEN);
    // The fake stamps keys with a fixed 2025 date; the handler's clock is the real one.
    secret.rotationRules = { ScheduleExpression: 'rate(1 day)' };

    await handler(SWEEP_EVENT, context);

    const [rotation, swept] = [metricLines(stdout).at(0), metricLines(stdout).at(-1)];
    expect(rotation).not.toHaveProperty('OverdueConsumers');
    expect(swept).toMatchObject({ Operation: 'sweep', OverdueConsumers: 1 });
    const declared = (swept?._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] })
      .CloudWatchMetrics[0].Metrics;
    expect(declared).toContainEqual({ Name: 'OverdueConsumers', Unit: 'Count' });
  });

  test('revoke: returns the new and the revoked key, and counts both', async () => {
    await rotateThroughHandler(TOKEN);
    const leaked = String(fake.currentValue(secret).keyId);

    const result = await handler({ action: 'revoke', secretId: secret.arn }, context);

    expect(result).toEqual({
      secretArn: secret.arn,
      versionId: expect.any(String),
      keyId: fake.currentValue(secret).keyId,
      unprovenKeyIds: [],
      revokedKeyIds: [leaked],
    });
    expect(fake.keys.get(leaked)?.enabled).toBe(false);
    expect(metricLines(stdout).at(-1)).toMatchObject({
      Operation: 'revoke',
      Rotations: 1,
      Retirements: 1,
    });
  });

  test("teardown: Terraform's create is a no-op; its delete removes keys of deleted secrets", async () => {
    await rotateThroughHandler(TOKEN);
    const keyId = String(fake.currentValue(secret).keyId);

    await expect(
      handler({ action: 'teardown', tf: { action: 'create' } }, context)
    ).resolves.toEqual({ terraformAction: 'create', deleted: 0 });
    fake.secrets.delete(secret.arn);
    await expect(
      handler({ action: 'teardown', tf: { action: 'delete', prev_input: {} } }, context)
    ).resolves.toEqual({ terraformAction: 'delete', deleted: 1 });

    expect(fake.keys.has(keyId)).toBe(false);
    expect(metricLines(stdout).at(-1)).toMatchObject({ Operation: 'teardown', Deletions: 1 });
  });

  test('rejects an unsupported event, logs it and counts a failure', async () => {
    await expect(handler({ hello: 'world' }, context)).rejects.toThrow(InvalidEventError);
    await expect(handler({ hello: 'world' }, context)).rejects.toThrow(
      /unsupported event: .* received an object with fields hello \(string\)/
    );
    expect(metricLines(stdout).at(-1)).toMatchObject({
      Operation: 'unknown',
      Failures: 1,
      RotationFailures: 0,
      SweepFailures: 0,
    });
    expect(logLines(stdout).at(-1)).toMatchObject({
      level: 'error',
      module: 'handler',
      message: 'invocation failed',
      error: { name: 'InvalidEventError' },
    });
  });

  test('a failed step is rethrown (Secrets Manager sees it) with the secret and the step', async () => {
    secret.rotationEnabled = false;
    fake.startRotation(secret, TOKEN);

    await expect(
      handler({ SecretId: secret.arn, ClientRequestToken: TOKEN, Step: 'createSecret' }, context)
    ).rejects.toThrow(RotationError);
    expect(metricLines(stdout).at(-1)).toMatchObject({
      Operation: 'createSecret',
      Failures: 1,
      RotationFailures: 1,
      SweepFailures: 0,
    });
    expect(fake.currentVersion(secret)).toBe('terraform-initial-version-0000000000');
  });

  test('no key value reaches stdout: rotations, a revoke, a sweep, a failure', async () => {
    await rotateThroughHandler(TOKEN);
    await rotateThroughHandler(TOKEN_2);
    await handler({ action: 'revoke', secretId: secret.arn }, context);
    await handler(SWEEP_EVENT, context);
    const pending = '1234abcd-0000-4000-8000-000000000000';
    fake.startRotation(secret, pending);
    fake.failNext('PutSecretValue', new Error('boom'));
    await expect(
      handler({ SecretId: secret.arn, ClientRequestToken: pending, Step: 'createSecret' }, context)
    ).rejects.toThrow(/boom/);

    const values = [...fake.keys.values()].map((key) => key.value);
    expect(values.length).toBeGreaterThanOrEqual(4);
    const written = stdout.text();
    expect(written.length).toBeGreaterThan(1000);
    for (const value of values) {
      expect(verifyKeyValue(value, 'ordK')).toBe(true);
      expect(written).not.toContain(value);
      expect(written).not.toContain(value.slice(4, 24));
    }
  });

  test('fails fast, naming the variable, when the environment is incomplete', async () => {
    const saved = process.env[LambdaEnv.SERVICE];
    delete process.env[LambdaEnv.SERVICE];
    try {
      await jest.isolateModulesAsync(async () => {
        const isolated = await import('../../../lambdas/rotation/index');
        const failure = isolated.handler(SWEEP_EVENT, context);
        await expect(failure).rejects.toThrow(/environment variable KEYPLANE_SERVICE must be set/);
        await expect(failure).rejects.toMatchObject({ name: ConfigurationError.name });
      });
    } finally {
      process.env[LambdaEnv.SERVICE] = saved;
    }
    expect(metricLines(stdout).at(-1)).toMatchObject({ Service: 'unconfigured', Failures: 1 });
  });
});
