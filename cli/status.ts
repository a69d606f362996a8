/**
 * What an operator needs to see of a rotation service's consumers, read from AWS without ever
 * reading a secret value: the keys are found through their keyplane tags, the current one by
 * the secret version it was made for.
 */
import {
  APIGatewayClient,
  ApiKey,
  paginateGetApiKeys,
  paginateGetUsagePlans,
} from '@aws-sdk/client-api-gateway';
import {
  paginateListSecrets,
  SecretListEntry,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { KeyTag, PLAN_ID_SEPARATOR, SecretTag } from '../contract/tags';

/** A key of a consumer, never with its value. */
export interface KeyStatus {
  readonly keyId: string;
  readonly enabled: boolean;
  readonly createdDate?: Date;
  readonly retireAfter?: string;
  readonly deleteAfter?: string;
}

/** One consumer of a rotation service. */
export interface ConsumerStatus {
  readonly consumer: string;
  readonly secretName: string;
  readonly secretArn: string;
  /** Usage plan names (ids where a plan is gone) declared in the secret's tags. */
  readonly plans: string[];
  readonly rotationEnabled: boolean;
  readonly lastRotated?: Date;
  readonly nextRotation?: Date;
  /** The key AWSCURRENT names; undefined before the first rotation. */
  readonly current?: KeyStatus;
  /** Keys still enabled after a rotation, until their retire-after time. */
  readonly retiring: KeyStatus[];
  /** A rotation has staged AWSPENDING on a version that is not AWSCURRENT. */
  readonly rotationInProgress: boolean;
}

/** The AWS clients status reads with. */
export interface StatusClients {
  readonly secretsManager: SecretsManagerClient;
  readonly apiGateway: APIGatewayClient;
}

/** Every consumer of the service, by consumer name. */
export async function readStatus(
  clients: StatusClients,
  serviceName: string
): Promise<ConsumerStatus[]> {
  const [secrets, keys, planNames] = await Promise.all([
    listServiceSecrets(clients.secretsManager, serviceName),
    listServiceKeys(clients.apiGateway, serviceName),
    listPlanNames(clients.apiGateway),
  ]);
  const keysBySecret = new Map<string, ApiKey[]>();
  for (const key of keys) {
    const arn = key.tags?.[KeyTag.SECRET_ARN] ?? '';
    keysBySecret.set(arn, [...(keysBySecret.get(arn) ?? []), key]);
  }
  const statuses = secrets.map((secret) => {
    const tags = Object.fromEntries((secret.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    const stages = secret.SecretVersionsToStages ?? {};
    const currentVersion = Object.keys(stages).find((v) => stages[v].includes('AWSCURRENT'));
    const pendingVersion = Object.keys(stages).find((v) => stages[v].includes('AWSPENDING'));
    const own = keysBySecret.get(secret.ARN ?? '') ?? [];
    const current = own.find((k) => k.tags?.[KeyTag.SECRET_VERSION] === currentVersion);
    return {
      consumer: tags[SecretTag.CONSUMER] ?? secret.Name ?? '',
      secretName: secret.Name ?? '',
      secretArn: secret.ARN ?? '',
      plans: (tags[SecretTag.USAGE_PLANS] ?? '')
        .split(PLAN_ID_SEPARATOR)
        .filter(Boolean)
        .map((id) => planNames.get(id) ?? id),
      rotationEnabled: secret.RotationEnabled === true,
      lastRotated: secret.LastRotatedDate,
      nextRotation: secret.NextRotationDate,
      current: current && keyStatus(current),
      retiring: own.filter((k) => k !== current && k.enabled).map(keyStatus),
      rotationInProgress: pendingVersion !== undefined && pendingVersion !== currentVersion,
    };
  });
  return statuses.sort((a, b) => a.consumer.localeCompare(b.consumer));
}

/** The service's live secrets; ListSecrets carries tags and stages, so no per-secret call. */
async function listServiceSecrets(
  client: SecretsManagerClient,
  serviceName: string
): Promise<SecretListEntry[]> {
  const secrets: SecretListEntry[] = [];
  const pages = paginateListSecrets(
    { client },
    {
      Filters: [
        { Key: 'tag-key', Values: [SecretTag.SERVICE] },
        { Key: 'tag-value', Values: [serviceName] },
      ],
    }
  );
  for await (const page of pages) {
    for (const secret of page.SecretList ?? []) {
      const service = secret.Tags?.find((t) => t.Key === SecretTag.SERVICE)?.Value;
      if (service === serviceName && !secret.DeletedDate && secret.ARN) secrets.push(secret);
    }
  }
  return secrets;
}

async function listServiceKeys(client: APIGatewayClient, serviceName: string): Promise<ApiKey[]> {
  const keys: ApiKey[] = [];
  for await (const page of paginateGetApiKeys(
    { client, pageSize: 500 },
    { includeValues: false }
  )) {
    for (const key of page.items ?? []) {
      if (key.tags?.[KeyTag.SERVICE] === serviceName) keys.push(key);
    }
  }
  return keys;
}

async function listPlanNames(client: APIGatewayClient): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const page of paginateGetUsagePlans({ client, pageSize: 500 }, {})) {
    for (const plan of page.items ?? []) if (plan.id) names.set(plan.id, plan.name ?? plan.id);
  }
  return names;
}

function keyStatus(key: ApiKey): KeyStatus {
  return {
    keyId: key.id ?? '',
    enabled: key.enabled === true,
    createdDate: key.createdDate,
    retireAfter: key.tags?.[KeyTag.RETIRE_AFTER],
    deleteAfter: key.tags?.[KeyTag.DELETE_AFTER],
  };
}

/** The status as a plain-text table, one row per consumer. */
export function formatStatusTable(statuses: readonly ConsumerStatus[]): string {
  const header = [
    'CONSUMER',
    'PLANS',
    'CURRENT KEY',
    'CREATED',
    'RETIRING (retire after)',
    'NEXT ROTATION',
  ];
  const rows = statuses.map((s) => [
    s.consumer,
    s.plans.join(',') || '-',
    s.current?.keyId ?? (s.rotationInProgress ? '(rotating)' : '(no key yet)'),
    iso(s.current?.createdDate),
    s.retiring.map((k) => `${k.keyId} (${k.retireAfter ?? 'not scheduled'})`).join(', ') || '-',
    iso(s.nextRotation),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
}

function iso(date: Date | undefined): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}
