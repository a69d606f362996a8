/**
 * The faults tier's world: a private moto, the fault-injecting proxy in front of it, and the
 * rotation Lambda's deployed bundle (dist/lambda-bundles/rotation) loaded in this process as
 * "containers", its AWS endpoints pointed at the proxy.
 *
 * The test plays Secrets Manager: RotateSecret against a stub rotation function stages the
 * AWSPENDING version and turns rotation on exactly as AWS does before the first step (the stub
 * fails its createSecret at once, so moto runs no step), then the test delivers the four step
 * events to a container itself, re-delivering a failed step with the same token as Secrets
 * Manager retries it. Resources are made directly with the SDK (bench/rotation-fixture.ts).
 */
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { FIXTURE_POLICY_FILE } from '../../../bench/fixture-policy';
import {
  createUsagePlans,
  fixtureClients,
  ownershipKeyId,
  SECRET_PREFIX,
  SERVICE,
  type FixtureClients,
} from '../../../bench/rotation-fixture';
import { KeyTag, LambdaEnv } from '../../../contract';
import { KEYPLANE_DIR, startLocalAws, type LocalAws } from '../../../scripts/local-aws';
import { startAwsProxy, type AwsProxy } from '../../../scripts/local-aws/aws-proxy';
import { captureStdout, type CapturedStdout } from '../../lambdas/rotation/support/stdout';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const ROTATION_BUNDLE = path.join(ROOT, 'dist', 'lambda-bundles', 'rotation', 'index.js');
const STUB_NAME = 'faults-step-stub';

/** The rotation handler of one container. */
export type Handler = (event: unknown) => Promise<unknown>;

export interface World {
  readonly aws: LocalAws;
  /** Every call the function makes goes through it. */
  readonly proxy: AwsProxy;
  /** Direct to moto: set-up and checks, never counted or faulted. */
  readonly clients: FixtureClients;
  readonly planIds: readonly string[];
  readonly stubArn: string;
  close(): Promise<void>;
}

/** Starts moto and the proxy, points the function's environment at the proxy, makes the plans. */
export async function startWorld(planCount: number): Promise<World> {
  const aws = await startLocalAws({ isolated: true });
  const proxy = await startAwsProxy(aws.endpoint);
  const clients = fixtureClients(aws.endpoint, aws.region);
  Object.assign(process.env, {
    AWS_REGION: aws.region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    // Node 20 here, 22 on Lambda: one warning per container would bury the test output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.endpoint,
    AWS_ENDPOINT_URL_API_GATEWAY: proxy.endpoint,
    [LambdaEnv.SERVICE]: SERVICE,
    [LambdaEnv.SECRET_PREFIX]: SECRET_PREFIX,
    // KMS (the ownership proof) directly: the proxy counts and faults API Gateway and Secrets
    // Manager calls only.
    AWS_ENDPOINT_URL_KMS: aws.endpoint,
    [LambdaEnv.OWNERSHIP_KEY_ID]: await ownershipKeyId(clients),
    [LambdaEnv.POLICY_FILE]: FIXTURE_POLICY_FILE,
  });
  const planIds = await createUsagePlans(clients, planCount);
  const stubArn = await createStepStub(clients);
  return {
    aws,
    proxy,
    clients,
    planIds,
    stubArn,
    close: async () => {
      await proxy.close();
      await aws.stop();
    },
  };
}

/** A rotation function that refuses every step: RotateSecret then only stages the version. */
async function createStepStub(clients: FixtureClients): Promise<string> {
  const dir = path.join(KEYPLANE_DIR, 'faults', randomUUID());
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    "exports.handler = async () => { throw new Error('the faults tier delivers the steps'); };\n"
  );
  execFileSync('zip', ['-q', '-X', 'stub.zip', 'index.js'], { cwd: dir });
  const role = await clients.iam.send(
    new CreateRoleCommand({ RoleName: STUB_NAME, AssumeRolePolicyDocument: '{}' })
  );
  const fn = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: STUB_NAME,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: role.Role!.Arn!,
      Code: { ZipFile: fs.readFileSync(path.join(dir, 'stub.zip')) },
    })
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return fn.FunctionArn!;
}

/**
 * A fresh instance of the bundle, with its own module state (clients, retry quota, pacer), as
 * a new Lambda container has. It reads the environment at its first invocation.
 */
export function newContainer(): Handler {
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    // A fresh module registry is what makes a new container; import() would share one.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(ROTATION_BUNDLE) as { handler: Handler }).handler;
  });
  return handler!;
}

/** What Secrets Manager does first: stage a new version AWSPENDING; returns its token. */
export async function stageRotation(world: World, secretArn: string): Promise<string> {
  const token = randomUUID();
  await world.clients.secretsManager.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      ClientRequestToken: token,
      RotationLambdaARN: world.stubArn,
      RotationRules: { AutomaticallyAfterDays: 30 },
    })
  );
  return token;
}

/** A managed key as the checks see it (no value). */
export interface KeyView {
  readonly id: string;
  readonly enabled: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** Every key this service manages, read directly from moto. */
export async function managedKeys(world: World): Promise<KeyView[]> {
  const keys: KeyView[] = [];
  let position: string | undefined;
  do {
    const page = await world.clients.apiGateway.send(
      new GetApiKeysCommand({ includeValues: false, limit: 500, position })
    );
    for (const item of page.items ?? []) {
      const tags = item.tags ?? {};
      if (tags[KeyTag.SERVICE] === SERVICE) {
        keys.push({ id: item.id!, enabled: item.enabled === true, tags });
      }
    }
    position = page.position === position ? undefined : page.position;
  } while (position);
  return keys;
}

/** Keys tagged as made for `secretArn`, by id. */
export async function keysOf(world: World, secretArn: string): Promise<KeyView[]> {
  return (await managedKeys(world)).filter((key) => key.tags[KeyTag.SECRET_ARN] === secretArn);
}

/**
 * The per-file set-up of a faults suite: a world of `planCount` plans for the whole file, and
 * the function's stdout captured around each test (read it through `stdout()`).
 */
export function useWorld(
  planCount: number,
  onReady: (world: World) => void
): { stdout: () => CapturedStdout } {
  let world: World | undefined;
  let captured: CapturedStdout;
  beforeAll(async () => {
    world = await startWorld(planCount);
    onReady(world);
  }, 300_000);
  afterAll(async () => world?.close());
  beforeEach(() => {
    captured = captureStdout();
  });
  afterEach(() => captured.restore());
  return { stdout: () => captured };
}
