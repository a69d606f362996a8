/**
 * The resources the rotation Lambda needs, created directly with the SDK against a private moto
 * (seconds, where a Terraform deploy of 1,000 consumers takes many minutes): usage plans, the
 * function from the built bundle, and consumers' secrets with keyplane's tags.
 *
 * Two kinds of consumer:
 * - `createRotatingConsumer`: a secret with the bootstrap first version, as ManagedApiKey
 *   declares it; its rotations are real (RotateSecret runs the function's four steps).
 * - `createSteadyConsumer`: a secret and key in the state a finished rotation leaves (key
 *   tagged and in its plan, AWSCURRENT holding the issued-key JSON), written directly, so a
 *   sweep over 1,000 keys needs no 1,000 rotations first.
 */
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { lambdaBundleZip } from '../constructs/lambda-bundle';
import { LambdaEnv } from '../contract/events';
import { bootstrapValue, SECRET_FORMAT, type IssuedKeyValue } from '../contract/secret-value';
import { KeyTag, PLAN_ID_SEPARATOR, PROOF_MAC_ALGORITHM, SecretTag } from '../contract/tags';
import { proofMessage, type ProofSubject } from '../lambdas/rotation/ownership';
import { declareFixtureConsumer, FIXTURE_POLICY_FILE } from './fixture-policy';

export const SERVICE = 'bench';
export const SECRET_PREFIX = 'bench/keys/';
export const FUNCTION_NAME = 'bench-rotation';

export interface FixtureClients {
  readonly apiGateway: APIGatewayClient;
  readonly secretsManager: SecretsManagerClient;
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  readonly kms: KMSClient;
}

/** Clients that talk to the emulator directly (their calls are not counted). */
export function fixtureClients(endpoint: string, region: string): FixtureClients {
  const config = {
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    apiGateway: new APIGatewayClient(config),
    secretsManager: new SecretsManagerClient(config),
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
  };
}

const ownershipKeys = new WeakMap<FixtureClients, Promise<string>>();

/**
 * The emulator's HMAC key that stands for the stack's ownership key (constructs/ownership-key.ts),
 * made once per set of clients: the function proves keys with it, steady consumers are seeded
 * with its proofs.
 */
export function ownershipKeyId(clients: FixtureClients): Promise<string> {
  let keyId = ownershipKeys.get(clients);
  if (keyId === undefined) {
    keyId = clients.kms
      .send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))
      .then((out) => out.KeyMetadata!.KeyId!);
    ownershipKeys.set(clients, keyId);
  }
  return keyId;
}

/** The proof the function would have written for a key it made. */
async function proofOf(clients: FixtureClients, subject: ProofSubject): Promise<string> {
  const out = await clients.kms.send(
    new GenerateMacCommand({
      KeyId: await ownershipKeyId(clients),
      MacAlgorithm: PROOF_MAC_ALGORITHM,
      Message: proofMessage(subject),
    })
  );
  return Buffer.from(out.Mac!).toString('base64');
}

export async function createUsagePlans(clients: FixtureClients, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const plan = await clients.apiGateway.send(
      new CreateUsagePlanCommand({ name: `bench-plan-${i}`, throttle: { rateLimit: 10 } })
    );
    ids.push(plan.id!);
  }
  return ids;
}

/**
 * The function from dist/lambda-bundles/rotation, with the environment the construct gives it.
 * `callEndpoint` is where its SDK clients send their calls: the service-specific endpoint
 * variables outrank the AWS_ENDPOINT_URL the launcher sets, so the counting proxy sees them.
 */
export async function createRotationFunction(
  clients: FixtureClients,
  callEndpoint: string,
  /** A file holding how many ms the function's clock runs ahead (function-clock.mjs). */
  clockFile?: string
): Promise<string> {
  // The zip `npm run build:lambda` makes, byte for byte what RotationService deploys.
  const zip = lambdaBundleZip('rotation');
  const role = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: 'bench-rotation',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    })
  );
  const fn = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION_NAME,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: role.Role!.Arn!,
      Timeout: 60,
      MemorySize: 256,
      Code: { ZipFile: fs.readFileSync(zip) },
      Environment: {
        Variables: {
          [LambdaEnv.SERVICE]: SERVICE,
          [LambdaEnv.SECRET_PREFIX]: SECRET_PREFIX,
          [LambdaEnv.OWNERSHIP_KEY_ID]: await ownershipKeyId(clients),
          [LambdaEnv.POLICY_FILE]: FIXTURE_POLICY_FILE,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: callEndpoint,
          AWS_ENDPOINT_URL_API_GATEWAY: callEndpoint,
          ...(clockFile && {
            NODE_OPTIONS: `--import ${pathToFileURL(path.join(__dirname, 'function-clock.mjs')).href}`,
            KEYPLANE_BENCH_CLOCK_FILE: clockFile,
          }),
        },
      },
    })
  );
  return fn.FunctionArn!;
}

/** The secret's tags; the consumer is declared in the fixture's policy document as well. */
function secretTags(consumer: string, planIds: readonly string[]) {
  const tags = {
    [SecretTag.CONSUMER]: consumer,
    [SecretTag.USAGE_PLANS]: planIds.join(PLAN_ID_SEPARATOR),
    [SecretTag.SERVICE]: SERVICE,
  };
  declareFixtureConsumer(SERVICE, `${SECRET_PREFIX}${consumer}`, tags);
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** A consumer's secret holding only the bootstrap placeholder; returns its ARN. */
export async function createRotatingConsumer(
  clients: FixtureClients,
  consumer: string,
  planIds: readonly string[]
): Promise<string> {
  const secret = await clients.secretsManager.send(
    new CreateSecretCommand({
      Name: `${SECRET_PREFIX}${consumer}`,
      SecretString: JSON.stringify(bootstrapValue(consumer)),
      Tags: secretTags(consumer, planIds),
    })
  );
  // ManagedApiKey also labels this version keyplane-bootstrap; the function recognises the
  // placeholder by its value, so CreateSecret's AWSCURRENT alone is enough here.
  return secret.ARN!;
}

/** A consumer with a key in the state a finished rotation leaves; returns the secret's ARN. */
export async function createSteadyConsumer(
  clients: FixtureClients,
  consumer: string,
  planIds: readonly string[]
): Promise<string> {
  const versionId = randomUUID();
  const name = `${SECRET_PREFIX}${consumer}`;
  // Secret first (its ARN tags the key), then the key, then the value naming the key.
  const secret = await clients.secretsManager.send(
    new CreateSecretCommand({ Name: name, Tags: secretTags(consumer, planIds) })
  );
  const value = `bench${randomBytes(24).toString('hex')}`;
  const key = await clients.apiGateway.send(
    new CreateApiKeyCommand({
      name: `${consumer}-${versionId.slice(0, 8)}`,
      value,
      enabled: true,
      tags: {
        [KeyTag.SECRET_ARN]: secret.ARN!,
        [KeyTag.SECRET_VERSION]: versionId,
        [KeyTag.SERVICE]: SERVICE,
      },
    })
  );
  const proof = await proofOf(clients, {
    service: SERVICE,
    secretArn: secret.ARN!,
    versionId,
    keyId: key.id!,
  });
  await clients.apiGateway.send(
    new TagResourceCommand({
      resourceArn: `arn:aws:apigateway:${await clients.apiGateway.config.region()}::/apikeys/${key.id}`,
      tags: { [KeyTag.PROOF]: proof },
    })
  );
  for (const planId of planIds) {
    await clients.apiGateway.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId: key.id!, keyType: 'API_KEY' })
    );
  }
  const issued: IssuedKeyValue = {
    format: SECRET_FORMAT,
    keyId: key.id!,
    value,
    consumer,
    usagePlanIds: [...planIds],
    createdAt: new Date().toISOString(),
    proof,
  };
  await clients.secretsManager.send(
    new PutSecretValueCommand({
      SecretId: secret.ARN!,
      ClientRequestToken: versionId,
      SecretString: JSON.stringify(issued),
      VersionStages: ['AWSCURRENT'],
    })
  );
  return secret.ARN!;
}

/**
 * A key of another rotation service (another shard's) in the same region: the sweep lists it
 * with its own, since API Gateway lists keys by region, and leaves it alone.
 */
export async function createOtherServiceKey(
  clients: FixtureClients,
  name: string,
  service: string
): Promise<void> {
  await clients.apiGateway.send(
    new CreateApiKeyCommand({ name, enabled: true, tags: { [KeyTag.SERVICE]: service } })
  );
}
