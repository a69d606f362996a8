/**
 * The e2e tier's view of the local AWS: clients, and the checks every scenario repeats.
 * Key values are read only to compare them (the invariant) and to scan for leaks; they are
 * never part of a view, a return value or an assertion message.
 */
import {
  APIGatewayClient,
  GetApiKeyCommand,
  GetUsagePlanKeysCommand,
  NotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-api-gateway';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { invokeRotationFunction, sweepToCompletion } from '../../../cli/rotation-function';
import { KeyTag, PLAN_ID_SEPARATOR, SecretTag } from '../../../contract/tags';

export const secretsManager = new SecretsManagerClient({});
export const apiGateway = new APIGatewayClient({});
export const lambda = new LambdaClient({});

/** The clients the checks below read through; the e2e tier's by default, another tier's own. */
export interface ViewClients {
  readonly secretsManager: SecretsManagerClient;
  readonly apiGateway: APIGatewayClient;
}

const e2eClients: ViewClients = { secretsManager, apiGateway };

/** Every key value the tests have seen, for the leak scan. */
export const issuedValues = new Set<string>();

/** A consumer's secret as the tests need it. */
export interface SecretView {
  readonly arn: string;
  readonly tags: Record<string, string>;
  readonly planIds: string[];
  readonly currentVersion: string;
  readonly currentKeyId: string | undefined;
}

export async function viewSecret(
  secretId: string,
  clients: ViewClients = e2eClients
): Promise<SecretView> {
  return (await readSecret(secretId, clients)).view;
}

/** The secret's view and the key value AWSCURRENT holds (kept out of the view). */
async function readSecret(
  secretId: string,
  { secretsManager }: ViewClients
): Promise<{ view: SecretView; value: string | undefined }> {
  const secret = await secretsManager.send(new DescribeSecretCommand({ SecretId: secretId }));
  const tags = Object.fromEntries((secret.Tags ?? []).map((t) => [t.Key!, t.Value!]));
  const stages = secret.VersionIdsToStages ?? {};
  const currentVersion = Object.keys(stages).find((v) => stages[v].includes('AWSCURRENT'))!;
  const value = await secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' })
  );
  const parsed = JSON.parse(value.SecretString ?? '{}') as { keyId?: string; value?: string };
  if (parsed.value) issuedValues.add(parsed.value);
  return {
    view: {
      arn: secret.ARN!,
      tags,
      planIds: (tags[SecretTag.USAGE_PLANS] ?? '').split(PLAN_ID_SEPARATOR).filter(Boolean),
      currentVersion,
      currentKeyId: parsed.keyId,
    },
    value: parsed.value,
  };
}

/** The key's state, or undefined when it is gone. */
export async function viewKey(keyId: string, clients: ViewClients = e2eClients) {
  return (await readKey(keyId, clients))?.view;
}

/** The key's view and its value (kept out of the view), or undefined when it is gone. */
async function readKey(keyId: string, { apiGateway }: ViewClients) {
  try {
    const key = await apiGateway.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }));
    if (key.value) issuedValues.add(key.value);
    return {
      view: { id: keyId, enabled: key.enabled === true, tags: key.tags ?? {} },
      value: key.value,
    };
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw error;
  }
}

/** Ids of the keys in a usage plan. */
export async function planMembers(
  planId: string,
  { apiGateway }: ViewClients = e2eClients
): Promise<string[]> {
  const members: string[] = [];
  let position: string | undefined;
  do {
    const page = await apiGateway.send(
      new GetUsagePlanKeysCommand({ usagePlanId: planId, limit: 500, position })
    );
    members.push(...(page.items ?? []).map((k) => k.id!));
    position = page.position;
  } while (position);
  return members;
}

/**
 * The invariant: the key AWSCURRENT names exists, is enabled, was made for that version, holds
 * the value AWSCURRENT hands out, and is in every plan the consumer is declared in. Returns
 * what is wrong (empty when it holds); a message names ids, never a value.
 */
export async function invariantViolations(
  secretId: string,
  clients: ViewClients = e2eClients
): Promise<string[]> {
  const { view: secret, value } = await readSecret(secretId, clients);
  if (!secret.currentKeyId) return [`${secretId}: AWSCURRENT names no key`];
  const read = await readKey(secret.currentKeyId, clients);
  if (!read) return [`${secretId}: current key ${secret.currentKeyId} does not exist`];
  const key = read.view;
  const problems: string[] = [];
  if (!key.enabled) problems.push(`${secretId}: current key ${key.id} is disabled`);
  if (key.tags[KeyTag.SECRET_VERSION] !== secret.currentVersion)
    problems.push(
      `${secretId}: current key ${key.id} was not made for version ${secret.currentVersion}`
    );
  if (value === undefined || value !== read.value)
    problems.push(`${secretId}: AWSCURRENT's value is not the value of key ${key.id}`);
  for (const planId of secret.planIds) {
    if (!(await planMembers(planId, clients)).includes(key.id))
      problems.push(`${secretId}: current key ${key.id} is not in plan ${planId}`);
  }
  return problems;
}

/** Rotates now (Secrets Manager runs the four steps through the real function). */
export async function rotate(secretId: string): Promise<void> {
  await secretsManager.send(
    new RotateSecretCommand({ SecretId: secretId, RotateImmediately: true })
  );
}

/** Invokes the rotation function; fails with its error message on a function error. */
export const invoke = <T>(functionName: string, event: object): Promise<T> =>
  invokeRotationFunction<T>(lambda, functionName, event);

/** Runs a sweep to completion, following its cursor. */
export const sweep = async (functionName: string): Promise<Record<string, number>> =>
  (await sweepToCompletion(lambda, functionName)).counts;

/** Moves a key's keyplane time tag into the past, as if the clock had run past it. */
export async function expire(
  keyId: string,
  tag: typeof KeyTag.RETIRE_AFTER | typeof KeyTag.DELETE_AFTER,
  { apiGateway }: ViewClients = e2eClients
): Promise<void> {
  const region = await apiGateway.config.region();
  await apiGateway.send(
    new TagResourceCommand({
      resourceArn: `arn:aws:apigateway:${region}::/apikeys/${keyId}`,
      tags: { [tag]: new Date(Date.now() - 60_000).toISOString() },
    })
  );
}
