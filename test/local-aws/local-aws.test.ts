/**
 * The local AWS harness runs deployed Lambda code for real: Invoke and RotateSecret run
 * the zipped handler with Node, which calls back into moto through AWS_ENDPOINT_URL.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { LocalAws, startLocalAws } from '../../scripts/local-aws';
import { bundleHandlerZip, createTestRole } from './helpers';

// One bundle, three behaviours: plain invoke, thrown error, Secrets Manager rotation.
const HANDLER = `
import {
  SecretsManagerClient, CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand,
  PutSecretValueCommand, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

const sm = new SecretsManagerClient({});

async function journal(entry) {
  // Appends to a JSON array kept in the secret named by JOURNAL_SECRET.
  const name = process.env.JOURNAL_SECRET;
  const old = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  const list = JSON.parse(old.SecretString);
  list.push(entry);
  await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(list) }));
}

async function rotate({ Step, SecretId, ClientRequestToken: token }) {
  console.log('rotation step', Step, 'token', token);
  await journal({ step: Step, token });
  if (process.env.FAIL_AT_STEP === Step) throw new Error('failing on purpose at ' + Step);
  const meta = await sm.send(new DescribeSecretCommand({ SecretId }));
  const stages = meta.VersionIdsToStages;
  const current = Object.keys(stages).find((id) => stages[id].includes('AWSCURRENT'));
  if (Step === 'createSecret') {
    const cur = await sm.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSCURRENT' }));
    const next = { generation: JSON.parse(cur.SecretString).generation + 1 };
    await sm.send(new PutSecretValueCommand({
      SecretId, ClientRequestToken: token, SecretString: JSON.stringify(next),
      VersionStages: ['AWSPENDING'],
    }));
  } else if (Step === 'testSecret') {
    const pending = await sm.send(new GetSecretValueCommand({
      SecretId, VersionId: token, VersionStage: 'AWSPENDING',
    }));
    if (typeof JSON.parse(pending.SecretString).generation !== 'number') throw new Error('bad');
  } else if (Step === 'finishSecret' && current !== token) {
    await sm.send(new UpdateSecretVersionStageCommand({
      SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current,
    }));
  }
  return null;
}

export const handler = async (event, context) => {
  if (event.Step) return rotate(event);
  if (event.action === 'throw') {
    const err = new RangeError('refused: ' + event.marker);
    throw err;
  }
  if (event.action === 'sleep') {
    await new Promise((resolve) => setTimeout(resolve, event.ms));
    return 'woke up';
  }
  console.log('invoked with marker', event.marker);
  console.error('a line on stderr');
  const created = await sm.send(new CreateSecretCommand({
    Name: event.secretName,
    SecretString: JSON.stringify({ writtenBy: context.functionName, marker: event.marker }),
  }));
  return {
    secretArn: created.ARN,
    functionName: context.functionName,
    requestId: context.awsRequestId,
    remainingMs: context.getRemainingTimeInMillis(),
    endpoint: process.env.AWS_ENDPOINT_URL,
    region: process.env.AWS_REGION,
    greeting: process.env.GREETING,
  };
};
`;

const FUNCTION = 'keyplane-local-aws-test';
const decode = (payload?: Uint8Array) => JSON.parse(Buffer.from(payload ?? []).toString('utf8'));
const logOf = (fn: string) => fs.readFileSync(path.join(aws.logDir ?? '', `${fn}.log`), 'utf8');
/** The launcher's platform.* lines of a function log. */
const platformLines = (log: string) =>
  log
    .split('\n')
    .filter((line) => line.startsWith('{"time"') && line.includes('"type": "platform.'))
    .map((line) => JSON.parse(line) as { type: string; record: Record<string, unknown> });

let aws: LocalAws;
let lambda: LambdaClient;
let sm: SecretsManagerClient;
let roleArn: string;
let zip: Uint8Array;
let functionArn: string;

beforeAll(async () => {
  // A private server: this suite tests the moto harness itself (not whatever emulator
  // KEYPLANE_AWS_ENDPOINT names), and its reset() must not wipe suites sharing the default.
  aws = await startLocalAws({ isolated: true });
  const config = {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  lambda = new LambdaClient(config);
  sm = new SecretsManagerClient(config);
  zip = bundleHandlerZip(HANDLER);
  roleArn = await createTestRole(aws.endpoint, `keyplane-test-${Date.now()}`);
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: zip },
      Timeout: 20,
      Environment: { Variables: { GREETING: 'hello from config', JOURNAL_SECRET: 'journal' } },
    })
  );
  functionArn = created.FunctionArn ?? '';
}, 600_000); // the first run creates .keyplane/venv

afterAll(async () => {
  lambda?.destroy();
  sm?.destroy();
  await aws?.stop();
});

test('Invoke runs the deployed handler, which calls back into moto', async () => {
  const marker = `marker-${Date.now()}`;
  const res = await lambda.send(
    new InvokeCommand({
      FunctionName: FUNCTION,
      Payload: JSON.stringify({ secretName: `made-by-lambda-${marker}`, marker }),
    })
  );
  expect(res.StatusCode).toBe(200);
  expect(res.FunctionError).toBeUndefined();
  const result = decode(res.Payload);
  expect(result).toMatchObject({
    functionName: FUNCTION,
    endpoint: aws.endpoint,
    region: aws.region,
    greeting: 'hello from config',
  });
  expect(result.remainingMs).toBeGreaterThan(15_000);
  expect(result.remainingMs).toBeLessThanOrEqual(20_000);

  // The side effect is in moto: the secret exists with the value the function wrote.
  const secret = await sm.send(new GetSecretValueCommand({ SecretId: `made-by-lambda-${marker}` }));
  expect(secret.ARN).toBe(result.secretArn);
  expect(JSON.parse(secret.SecretString ?? '')).toEqual({ writtenBy: FUNCTION, marker });

  // Its stdout and stderr are in the per-function log, framed by platform lines in Lambda's
  // JSON log format that carry its request id.
  const log = logOf(FUNCTION);
  const platform = platformLines(log).filter((l) => l.record.requestId === result.requestId);
  expect(platform.map((l) => l.type)).toEqual(['platform.start', 'platform.report']);
  expect(platform[1].record).toMatchObject({
    status: 'success',
    metrics: { durationMs: expect.any(Number) },
  });
  expect(log).toContain(`invoked with marker ${marker}`);
  expect(log).toContain('a line on stderr');
});

test('a thrown error surfaces as an Unhandled function error', async () => {
  const res = await lambda.send(
    new InvokeCommand({
      FunctionName: FUNCTION,
      Payload: JSON.stringify({ action: 'throw', marker: 'xyz' }),
    })
  );
  expect(res.FunctionError).toBe('Unhandled');
  const payload = decode(res.Payload);
  expect(payload.errorType).toBe('RangeError');
  expect(payload.errorMessage).toBe('refused: xyz');
  expect(payload.trace[0]).toBe('RangeError: refused: xyz');
  expect(platformLines(logOf(FUNCTION)).at(-1)?.record).toMatchObject({
    status: 'error',
    errorType: 'RangeError',
    errorMessage: 'refused: xyz',
  });
});

test('LogType Tail returns the invocation log', async () => {
  const res = await lambda.send(
    new InvokeCommand({
      FunctionName: FUNCTION,
      LogType: 'Tail',
      Payload: JSON.stringify({ secretName: `tail-${Date.now()}`, marker: 'tailed' }),
    })
  );
  expect(Buffer.from(res.LogResult ?? '', 'base64').toString()).toContain(
    'invoked with marker tailed'
  );
});

test('a handler running past its timeout is killed and reported as Sandbox.Timedout', async () => {
  const name = `${FUNCTION}-timeout`;
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: zip },
      Timeout: 1,
    })
  );
  const started = Date.now();
  const res = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: JSON.stringify({ action: 'sleep', ms: 10_000 }),
    })
  );
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(res.FunctionError).toBe('Unhandled');
  expect(decode(res.Payload).errorType).toBe('Sandbox.Timedout');
}, 15_000);

describe('RotateSecret', () => {
  const journal = async () =>
    JSON.parse(
      (await sm.send(new GetSecretValueCommand({ SecretId: 'journal' }))).SecretString ?? ''
    ) as { step: string; token: string }[];
  const stagesOf = async (secretId: string) =>
    (await sm.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
  const generation = async (secretId: string) =>
    JSON.parse(
      (await sm.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? ''
    ).generation as number;
  const setFailAt = (step: string) =>
    lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: FUNCTION,
        Environment: {
          Variables: { JOURNAL_SECRET: 'journal', ...(step ? { FAIL_AT_STEP: step } : {}) },
        },
      })
    );

  beforeAll(async () => {
    await sm.send(new CreateSecretCommand({ Name: 'journal', SecretString: '[]' }));
    await sm.send(
      new CreateSecretCommand({ Name: 'rotated', SecretString: JSON.stringify({ generation: 1 }) })
    );
  });

  test('invokes the rotation function for each of the four steps, in order', async () => {
    const before = await stagesOf('rotated');
    const [original] = Object.keys(before);

    const res = await sm.send(
      new RotateSecretCommand({
        SecretId: 'rotated',
        RotationLambdaARN: functionArn,
        RotationRules: { AutomaticallyAfterDays: 30 },
      })
    );
    const token = res.VersionId ?? '';
    expect(await journal()).toEqual(
      ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((step) => ({ step, token }))
    );
    const stages = await stagesOf('rotated');
    expect(stages[token]).toContain('AWSCURRENT');
    expect(stages[original]).toEqual(['AWSPREVIOUS']);
    expect(await generation('rotated')).toBe(2);
    expect(logOf(FUNCTION)).toContain(`rotation step finishSecret token ${token}`);
  });

  test('a second rotation starts although AWSPENDING still labels the current version', async () => {
    const res = await sm.send(new RotateSecretCommand({ SecretId: 'rotated' }));
    const stages = await stagesOf('rotated');
    expect(stages[res.VersionId ?? '']).toContain('AWSCURRENT');
    expect(await generation('rotated')).toBe(3);
    expect((await journal()).slice(-4).map((e) => e.token)).toEqual(Array(4).fill(res.VersionId));
  });

  test('a failing step stops the rotation and leaves AWSCURRENT where it was', async () => {
    const stagesBefore = await stagesOf('rotated');
    const current = Object.keys(stagesBefore).find((id) => stagesBefore[id].includes('AWSCURRENT'));
    await setFailAt('setSecret');
    const journalBefore = (await journal()).length;

    // moto (like AWS, whose steps run asynchronously) still answers RotateSecret with success.
    const res = await sm.send(new RotateSecretCommand({ SecretId: 'rotated' }));
    const token = res.VersionId ?? '';
    expect((await journal()).slice(journalBefore)).toEqual([
      { step: 'createSecret', token },
      { step: 'setSecret', token },
    ]);
    const stages = await stagesOf('rotated');
    expect(stages[current ?? '']).toContain('AWSCURRENT');
    expect(stages[token]).toEqual(['AWSPENDING']);
    expect(await generation('rotated')).toBe(3); // GetSecretValue still returns AWSCURRENT
    expect(logOf(FUNCTION)).toContain('"errorMessage": "failing on purpose at setSecret"');

    // Fixed function: the next rotation completes.
    await setFailAt('');
    const retry = await sm.send(new RotateSecretCommand({ SecretId: 'rotated' }));
    expect((await stagesOf('rotated'))[retry.VersionId ?? '']).toContain('AWSCURRENT');
    expect(await generation('rotated')).toBe(4);
  });
});

test('reset() empties moto', async () => {
  await aws.reset();
  await expect(sm.send(new DescribeSecretCommand({ SecretId: 'rotated' }))).rejects.toThrow(
    /can't find|not found/i
  );
});
