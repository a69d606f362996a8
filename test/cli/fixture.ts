/**
 * An in-process CLI run against mocked AWS clients: a consumer world (secrets, keys, plans)
 * the mocks answer from, and a terminal that records what the CLI wrote.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  APIGatewayClient,
  ApiKey,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  SecretListEntry,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../../cli/program';
import { AUDIT_EVENT } from '../../contract/audit';

export const NOW = new Date('2026-06-15T12:00:00Z');
/** The line every run that talks to AWS starts its stderr with (the target, chosen explicitly). */
export const TARGET_NOTICE =
  'keyplane: target AWS (region us-east-1) (no --local, no KEYPLANE_AWS_ENDPOINT)';
export const SERVICE = 'keyplane-prod';
export const FUNCTION_ARN = `arn:aws:lambda:us-east-1:123456789012:function:${SERVICE}-rotation`;
export const PLANS = { free: 'plan-free', gold: 'plan-gold' } as const;
/** A key value that must never be printed unless asked for with --show. */
export const SECRET_VALUE = 'acmeAAAAbbbbCCCCddddEEEEffffGGGGhhhh123456';

export const secretsManager = mockClient(SecretsManagerClient);
export const apiGateway = mockClient(APIGatewayClient);
export const lambda = mockClient(LambdaClient);

export const arnOf = (consumer: string) =>
  `arn:aws:secretsmanager:us-east-1:123456789012:secret:keyplane/prod/${consumer}-AbCdEf`;

/** A consumer's secret as ListSecrets returns it. */
export function secret(
  consumer: string,
  options: {
    plans?: string[];
    stages?: Record<string, string[]>;
    nextRotation?: Date;
    rotationEnabled?: boolean;
  } = {}
): SecretListEntry {
  return {
    ARN: arnOf(consumer),
    Name: `keyplane/prod/${consumer}`,
    RotationEnabled: options.rotationEnabled ?? true,
    RotationLambdaARN: FUNCTION_ARN,
    LastRotatedDate: new Date('2026-06-10T00:00:00Z'),
    NextRotationDate: options.nextRotation ?? new Date('2026-07-10T00:00:00Z'),
    SecretVersionsToStages: options.stages ?? {
      boot: ['keyplane-bootstrap'],
      [`${consumer}-v2`]: ['AWSCURRENT'],
    },
    Tags: [
      { Key: 'keyplane:consumer', Value: consumer },
      { Key: 'keyplane:service', Value: SERVICE },
      { Key: 'keyplane:usage-plans', Value: (options.plans ?? [PLANS.gold]).join(' ') },
    ],
  };
}

/** A key the Lambda made for `version` of the consumer's secret. */
export function key(
  id: string,
  consumer: string,
  version: string,
  extra: Partial<ApiKey> & { tags?: Record<string, string> } = {}
): ApiKey {
  return {
    id,
    enabled: true,
    createdDate: new Date('2026-06-10T00:00:00Z'),
    ...extra,
    tags: {
      'keyplane:secret-arn': arnOf(consumer),
      'keyplane:secret-version': version,
      'keyplane:service': SERVICE,
      // The function's MAC in real life; the doctor only checks that one is there.
      'keyplane:proof': `proof-of-${id}`,
      ...extra.tags,
    },
  };
}

/** Makes the mocks answer with this world. */
export function world(
  secrets: SecretListEntry[],
  keys: ApiKey[],
  members: Record<string, string[]> = {}
): void {
  secretsManager.on(ListSecretsCommand).resolves({ SecretList: secrets });
  secretsManager.on(ListSecretVersionIdsCommand).resolves({ Versions: [] });
  apiGateway.on(GetApiKeysCommand).resolves({ items: keys });
  apiGateway.on(GetUsagePlansCommand).resolves({
    items: [
      { id: PLANS.free, name: `${SERVICE}-free` },
      { id: PLANS.gold, name: `${SERVICE}-gold`, quota: { limit: 1000, period: 'DAY' } },
    ],
  });
  for (const planId of Object.values(PLANS))
    apiGateway
      .on(GetUsagePlanKeysCommand, { usagePlanId: planId })
      .resolves({ items: (members[planId] ?? []).map((id) => ({ id })) });
}

/**
 * The region of the client a mocked command was sent with ('none' when the client has none),
 * which tells a further region's client (clients.apiGatewayIn) from the client region's.
 */
export async function regionOfCall(
  getClient: () => {
    config: { region: () => Promise<string> };
  }
): Promise<string> {
  return getClient()
    .config.region()
    .catch(() => 'none');
}

/** acme (gold) and globex (free, gold): each with a current key in its plans. */
export function healthyWorld(): void {
  world(
    [secret('acme'), secret('globex', { plans: [PLANS.free, PLANS.gold] })],
    [key('key-acme-2', 'acme', 'acme-v2'), key('key-globex-2', 'globex', 'globex-v2')],
    { [PLANS.gold]: ['key-acme-2', 'key-globex-2'], [PLANS.free]: ['key-globex-2'] }
  );
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-cli-test-'));

/** Runs the CLI in-process; `answer` is what a person types at a confirmation. */
export async function cli(
  args: string,
  options: { interactive?: boolean; answer?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let clock = NOW.getTime();
  const code = await runCli(args.split(' ').filter(Boolean), {
    io: {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      interactive: options.interactive ?? false,
      ask: async (question) => {
        err.push(question);
        return options.answer ?? '';
      },
    },
    env: { AWS_REGION: 'us-east-1', ...options.env },
    cwd: emptyDir,
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
    },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A Lambda answer as the SDK hands it over: bytes that can also be read as a string. */
export const payload = (json: string) =>
  Object.assign(Buffer.from(json), { transformToString: () => json });

export function resetMocks(): void {
  secretsManager.reset();
  apiGateway.reset();
  lambda.reset();
  // The policy audit `keyplane doctor` asks for: nothing to report unless a test says so.
  lambda.on(InvokeCommand, { Payload: JSON.stringify(AUDIT_EVENT) }).resolves({
    Payload: payload(JSON.stringify({ undeclaredSecretArns: [], policyTagMismatches: [] })),
  });
}
