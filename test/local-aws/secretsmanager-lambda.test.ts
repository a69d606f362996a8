/**
 * Secrets Manager rotation configuration and Lambda function configuration on the local AWS
 * answer like AWS (moto_patches/secretsmanager_lambda.py), so that Terraform reads back what
 * it wrote and a rotation function sees RotationEnabled while it runs.
 */
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  DescribeSecretCommandOutput,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { LocalAws, startLocalAws } from '../../scripts/local-aws';
import { bundleHandlerZip, createTestRole } from './helpers';

// A rotation function that records, per step, the rotation configuration DescribeSecret
// shows it (in the secret "<SecretId>.journal"), refuses to rotate when rotation is not
// enabled (as AWS's rotation templates do), and otherwise rotates a counter.
const HANDLER = `
import {
  SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

const sm = new SecretsManagerClient({});

export const handler = async ({ Step, SecretId, ClientRequestToken: token }) => {
  const meta = await sm.send(new DescribeSecretCommand({ SecretId }));
  const journal = SecretId + '.journal';
  const old = await sm.send(new GetSecretValueCommand({ SecretId: journal }));
  const entries = JSON.parse(old.SecretString);
  entries.push({
    step: Step,
    rotationEnabled: meta.RotationEnabled,
    rotationLambdaArn: meta.RotationLambdaARN,
    rotationRules: meta.RotationRules,
  });
  await sm.send(new PutSecretValueCommand({ SecretId: journal, SecretString: JSON.stringify(entries) }));
  if (!meta.RotationEnabled) throw new Error('Secret ' + SecretId + ' is not enabled for rotation');

  const stages = meta.VersionIdsToStages;
  const current = Object.keys(stages).find((id) => stages[id].includes('AWSCURRENT'));
  if (Step === 'createSecret') {
    const cur = await sm.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSCURRENT' }));
    await sm.send(new PutSecretValueCommand({
      SecretId, ClientRequestToken: token, VersionStages: ['AWSPENDING'],
      SecretString: JSON.stringify({ n: JSON.parse(cur.SecretString).n + 1 }),
    }));
  } else if (Step === 'finishSecret' && current !== token) {
    await sm.send(new UpdateSecretVersionStageCommand({
      SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current,
    }));
  }
  return null;
};
`;

const DAY_S = 86_400;
const FUNCTION = 'keyplane-sm-lambda-test';
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

let aws: LocalAws;
let lambda: LambdaClient;
let sm: SecretsManagerClient;
let roleArn: string;
let zip: Uint8Array;
let functionArn: string;

interface JournalEntry {
  step: string;
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: Record<string, unknown>;
}

let serial = 0;
/** A secret with a first version {n: 0} and an empty journal next to it. */
async function createSecret(): Promise<string> {
  const name = `sm-lambda-${Date.now()}-${++serial}`;
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ n: 0 }) }));
  await sm.send(new CreateSecretCommand({ Name: `${name}.journal`, SecretString: '[]' }));
  return name;
}

async function journal(name: string): Promise<JournalEntry[]> {
  const res = await sm.send(new GetSecretValueCommand({ SecretId: `${name}.journal` }));
  return JSON.parse(res.SecretString ?? '[]');
}

async function current(name: string): Promise<unknown> {
  const res = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  return JSON.parse(res.SecretString ?? '');
}

const describe_ = (name: string): Promise<DescribeSecretCommandOutput> =>
  sm.send(new DescribeSecretCommand({ SecretId: name }));

const epoch = (date?: Date): number => (date ? date.getTime() / 1000 : NaN);

beforeAll(async () => {
  // A private server: these tests check moto_patches/ (not whatever emulator
  // KEYPLANE_AWS_ENDPOINT names).
  aws = await startLocalAws({ isolated: true });
  const config = {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  lambda = new LambdaClient(config);
  sm = new SecretsManagerClient(config);
  zip = bundleHandlerZip(HANDLER);
  roleArn = await createTestRole(aws.endpoint, `keyplane-sm-lambda-${Date.now()}`);
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: zip },
      Timeout: 20,
    })
  );
  functionArn = created.FunctionArn ?? '';
}, 600_000);

afterAll(async () => {
  lambda?.destroy();
  sm?.destroy();
  await aws?.stop();
});

describe('RotateSecret with a schedule expression', () => {
  test('the function sees RotationEnabled and the rules in every step, and rotates', async () => {
    const name = await createSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: functionArn,
        RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '3h' },
      })
    );
    const entries = await journal(name);
    expect(entries.map((e) => e.step)).toEqual(STEPS);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        rotationEnabled: true,
        rotationLambdaArn: functionArn,
        rotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '3h' },
      });
    }
    // Its precondition held, so it rotated: the counter moved on.
    expect(await current(name)).toEqual({ n: 1 });
  });

  test('DescribeSecret returns the rotation configuration as given, and the next date', async () => {
    const name = await createSecret();
    const before = Date.now() / 1000;
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: functionArn,
        RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '3h' },
      })
    );
    const meta = await describe_(name);
    expect(meta.RotationEnabled).toBe(true);
    expect(meta.RotationLambdaARN).toBe(functionArn);
    // AWS also reports the days between two rotations of a rate(N days) schedule.
    expect(meta.RotationRules).toEqual({
      ScheduleExpression: 'rate(30 days)',
      Duration: '3h',
      AutomaticallyAfterDays: 30,
    });
    const next = epoch(meta.NextRotationDate);
    expect(next).toBeGreaterThanOrEqual(before + 30 * DAY_S - 60);
    expect(next).toBeLessThanOrEqual(Date.now() / 1000 + 31 * DAY_S);
  });

  test('a cron schedule is echoed; NextRotationDate is its next match', async () => {
    const name = await createSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: functionArn,
        RotationRules: { ScheduleExpression: 'cron(0 8 ? * MON *)' },
      })
    );
    const meta = await describe_(name);
    expect(meta.RotationEnabled).toBe(true);
    expect(meta.RotationRules).toMatchObject({ ScheduleExpression: 'cron(0 8 ? * MON *)' });
    expect(meta.RotationRules?.Duration).toBeUndefined();
    const next = meta.NextRotationDate ?? new Date(NaN);
    expect(next.getUTCDay()).toBe(1); // Monday
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([8, 0]);
    expect(epoch(next) - Date.now() / 1000).toBeGreaterThan(0);
    expect(epoch(next) - Date.now() / 1000).toBeLessThanOrEqual(7 * DAY_S);
    expect((await journal(name)).every((e) => e.rotationEnabled === true)).toBe(true);
  });

  test('rotating again without rules ("rotate now") keeps the configured schedule', async () => {
    const name = await createSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: functionArn,
        RotationRules: { ScheduleExpression: 'rate(7 days)', Duration: '2h' },
      })
    );
    await sm.send(new RotateSecretCommand({ SecretId: name }));
    const meta = await describe_(name);
    expect(meta.RotationEnabled).toBe(true);
    expect(meta.RotationLambdaARN).toBe(functionArn);
    expect(meta.RotationRules).toEqual({
      ScheduleExpression: 'rate(7 days)',
      Duration: '2h',
      AutomaticallyAfterDays: 7,
    });
    expect(await current(name)).toEqual({ n: 2 });
  });

  test('AutomaticallyAfterDays alone is returned as before', async () => {
    const name = await createSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: functionArn,
        RotationRules: { AutomaticallyAfterDays: 10 },
      })
    );
    const meta = await describe_(name);
    expect(meta.RotationEnabled).toBe(true);
    expect(meta.RotationRules).toEqual({ AutomaticallyAfterDays: 10 });
    expect(epoch(meta.NextRotationDate) - Date.now() / 1000).toBeGreaterThan(10 * DAY_S - 120);
  });

  test('a RotateSecret that fails leaves rotation unconfigured', async () => {
    const name = await createSecret();
    await expect(
      sm.send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: `${functionArn}-missing`,
          RotationRules: { ScheduleExpression: 'rate(30 days)' },
        })
      )
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const meta = await describe_(name);
    expect(meta.RotationEnabled).toBeFalsy();
    expect(meta.RotationRules).toBeUndefined();
    expect(meta.NextRotationDate).toBeUndefined();
  });

  test('an invalid Duration is refused', async () => {
    const name = await createSecret();
    await expect(
      sm.send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: functionArn,
          RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '30h' },
        })
      )
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect((await describe_(name)).RotationEnabled).toBeFalsy();
  });

  test('CancelRotateSecret turns rotation off and keeps the function and rules', async () => {
    const name = await createSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: functionArn,
        RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '3h' },
      })
    );
    await sm.send(new CancelRotateSecretCommand({ SecretId: name }));
    const meta = await describe_(name);
    expect(meta.RotationEnabled).toBe(false);
    expect(meta.RotationLambdaARN).toBe(functionArn);
    expect(meta.RotationRules).toMatchObject({ ScheduleExpression: 'rate(30 days)' });
    expect(meta.NextRotationDate).toBeUndefined();
  });
});

describe('Lambda function configuration', () => {
  const DLQ = 'arn:aws:sqs:us-east-1:123456789012:keyplane-test-dlq';
  const OTHER_DLQ = 'arn:aws:sns:us-east-1:123456789012:keyplane-test-dlq';
  const KMS = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
  const OTHER_KMS = 'arn:aws:kms:us-east-1:123456789012:key/66666666-7777-8888-9999-000000000000';

  async function create(name: string, extra: Record<string, unknown> = {}): Promise<void> {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Role: roleArn,
        Handler: 'index.handler',
        Code: { ZipFile: zip },
        ...extra,
      })
    );
  }

  test('DeadLetterConfig round-trips through create, update and removal', async () => {
    const name = `dlq-${Date.now()}`;
    await create(name, { DeadLetterConfig: { TargetArn: DLQ } });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    expect(got.Configuration?.DeadLetterConfig).toEqual({ TargetArn: DLQ });
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(config.DeadLetterConfig).toEqual({ TargetArn: DLQ });

    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        DeadLetterConfig: { TargetArn: OTHER_DLQ },
      })
    );
    expect(updated.DeadLetterConfig).toEqual({ TargetArn: OTHER_DLQ });
    expect(
      (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration
        ?.DeadLetterConfig
    ).toEqual({ TargetArn: OTHER_DLQ });

    // How the AWS provider removes it: an empty TargetArn.
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        DeadLetterConfig: { TargetArn: '' },
      })
    );
    const removed = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    expect(removed.Configuration?.DeadLetterConfig).toBeUndefined();
  });

  test('a function created without one has no DeadLetterConfig and no KMSKeyArn', async () => {
    const name = `plain-${Date.now()}`;
    await create(name);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    expect(got.Configuration?.DeadLetterConfig).toBeUndefined();
    expect(got.Configuration?.KMSKeyArn).toBeUndefined();
  });

  test('KMSKeyArn round-trips through create and update', async () => {
    const name = `kms-${Date.now()}`;
    await create(name, { KMSKeyArn: KMS });
    expect(
      (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration?.KMSKeyArn
    ).toBe(KMS);
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: name, KMSKeyArn: OTHER_KMS })
    );
    expect(
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).KMSKeyArn
    ).toBe(OTHER_KMS);
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: name, KMSKeyArn: '' })
    );
    expect(
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).KMSKeyArn
    ).toBeUndefined();
  });

  test('reserved concurrency, including 0, is returned by GetFunction and GetFunctionConcurrency', async () => {
    const name = `concurrency-${Date.now()}`;
    await create(name);
    const none = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
    expect(none.ReservedConcurrentExecutions).toBeUndefined();
    expect(
      (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Concurrency
    ).toBeUndefined();

    for (const reserved of [5, 0]) {
      await lambda.send(
        new PutFunctionConcurrencyCommand({
          FunctionName: name,
          ReservedConcurrentExecutions: reserved,
        })
      );
      const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      expect(got.Concurrency).toEqual({ ReservedConcurrentExecutions: reserved });
      const direct = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
      expect(direct.ReservedConcurrentExecutions).toBe(reserved);
    }

    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    expect(
      (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Concurrency
    ).toBeUndefined();
  });
});
