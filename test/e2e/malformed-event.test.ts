/**
 * A malformed event sent to the real rotation function through moto's Lambda Invoke: the
 * function returns the validation error, and no secret version, staging label or API key
 * changes. (Every malformed case is in test/lambdas/rotation/malformed-events.test.ts; this
 * proves the deployed bundle behaves the same.)
 */
import { GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  createRotatingConsumer,
  createRotationFunction,
  createUsagePlans,
  fixtureClients,
  FUNCTION_NAME,
  type FixtureClients,
} from '../../bench/rotation-fixture';
import { startLocalAws, type LocalAws } from '../../scripts/local-aws';

jest.setTimeout(600_000);

let aws: LocalAws;
let clients: FixtureClients;
let secretArn: string;

/** Everything a rotation could change: versions, their stages and values, and the API keys. */
async function snapshot() {
  const secret = await clients.secretsManager.send(
    new DescribeSecretCommand({ SecretId: secretArn })
  );
  const current = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretArn })
  );
  const keys = await clients.apiGateway.send(new GetApiKeysCommand({ limit: 500 }));
  return {
    stages: secret.VersionIdsToStages,
    current: current.SecretString,
    keys: (keys.items ?? []).map((k) => k.id),
  };
}

beforeAll(async () => {
  aws = await startLocalAws({ isolated: true });
  clients = fixtureClients(aws.endpoint, aws.region);
  const [planId] = await createUsagePlans(clients, 1);
  await createRotationFunction(clients, aws.endpoint);
  secretArn = await createRotatingConsumer(clients, 'acme', [planId]);
});

afterAll(async () => aws?.stop());

test('the deployed function rejects an unknown step with its validation error and changes nothing', async () => {
  const before = await snapshot();

  const result = await clients.lambda.send(
    new InvokeCommand({
      FunctionName: FUNCTION_NAME,
      Payload: JSON.stringify({
        SecretId: secretArn,
        ClientRequestToken: '0a1b2c3d-1111-4222-8333-444455556666',
        Step: 'deleteSecret',
      }),
    })
  );

  expect(result.FunctionError).toBe('Unhandled');
  const error = JSON.parse(Buffer.from(result.Payload ?? []).toString());
  expect(error).toMatchObject({
    errorType: 'InvalidEventError',
    errorMessage: expect.stringMatching(
      /invalid rotation event: Step must be one of "createSecret", "setSecret", "testSecret", "finishSecret", got "deleteSecret"$/
    ),
  });
  expect(await snapshot()).toEqual(before);
  expect(before.keys).toEqual([]);
});
