/**
 * What an operator needs to see of a rotation service's consumers, read from AWS without ever
 * reading a secret value: the keys are found through their keyplane tags, the current one by
 * the secret version it was made for, and the health from the secret's stages and dates.
 */
import type { APIGatewayClient, ApiKey } from '@aws-sdk/client-api-gateway';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  ListSecretVersionIdsCommand,
  SecretListEntry,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { BOOTSTRAP_STAGE } from '../contract/secret-value';
import { KeyTag, PLAN_ID_SEPARATOR, SecretTag } from '../contract/tags';
import { readFunctionSettings, type FunctionSettings } from './function-settings';
import { assessHealth, DEFAULT_STUCK_AFTER_MS, type Health } from './health';
import { Inventory, InventoryClients, listKeys, readInventory, secretTags } from './inventory';
import { keyRegionsOf } from './key-regions';
import { formatAge, formatTable, iso } from './output';
import { overdueMarginMs, overdueMarginsOf, type OverdueMargins } from './overdue-margin';

/** A key of a consumer, never with its value. */
export interface KeyStatus {
  readonly keyId: string;
  readonly enabled: boolean;
  readonly createdDate?: Date;
  readonly retireAfter?: string;
  readonly deleteAfter?: string;
  /** Set by the sweep while it holds the key past its grace period: still in use. */
  readonly heldSince?: string;
  /** When the sweep last saw traffic on the key (outgoing keys only). */
  readonly lastTraffic?: string;
}

/** One consumer of a rotation service. */
export interface ConsumerStatus {
  readonly consumer: string;
  /** The rotation service (one per stack) the consumer belongs to. */
  readonly service: string;
  readonly secretName: string;
  readonly secretArn: string;
  /** ARN of the rotation function configured on the secret, if any. */
  readonly rotationFunction?: string;
  /** Usage plan ids declared in the secret's tags. */
  readonly planIds: string[];
  /** Usage plan names (ids where a plan is gone), in the order of `planIds`. */
  readonly plans: string[];
  readonly rotationEnabled: boolean;
  readonly lastRotated?: Date;
  readonly nextRotation?: Date;
  /** The version AWSCURRENT labels. */
  readonly currentVersion?: string;
  /** AWSCURRENT is still the bootstrap version: no key issued yet. */
  readonly bootstrap: boolean;
  /** The key AWSCURRENT names; undefined before the first rotation or when it is missing. */
  readonly current?: KeyStatus;
  /** Keys still enabled after a rotation, until their retire-after time. */
  readonly retiring: KeyStatus[];
  /** AWSPENDING on a version other than AWSCURRENT: a rotation in progress, or stuck. */
  readonly pending?: { readonly versionId: string; readonly createdDate?: Date };
  /** A rotation has staged AWSPENDING on a version that is not AWSCURRENT. */
  readonly rotationInProgress: boolean;
  /** Whether the last rotation succeeded, see health.ts. */
  readonly health: Health;
  /** The consumer's keys in each further region it has keys in, by region name. */
  readonly regions: RegionStatus[];
}

/** A consumer's keys in one further region. */
export interface RegionStatus {
  readonly region: string;
  /** The key of the AWSCURRENT version there; undefined when it is missing. */
  readonly current?: KeyStatus;
  /** Other keys still enabled there: outgoing, or left by a region that failed to retire them. */
  readonly retiring: KeyStatus[];
}

/** The outgoing key the sweep holds because the consumer still uses it, if any. */
export function heldKey(status: Pick<ConsumerStatus, 'retiring'>): KeyStatus | undefined {
  return status.retiring.find((k) => k.heldSince !== undefined);
}

/**
 * The AWS clients status reads with; without Lambda, every margin is the default and no further
 * region is read.
 */
export type StatusClients = InventoryClients & {
  readonly lambda?: LambdaClient;
  readonly apiGatewayIn?: (region: string) => APIGatewayClient;
};

/** Options of {@link readStatus}. */
export interface StatusOptions {
  /** The instant health is judged at. @default - now */
  readonly now?: Date;
  /** Age after which an AWSPENDING version counts as stuck. @default 3_600_000 (one hour) */
  readonly stuckAfterMs?: number;
  /**
   * The overdue margin of each rotation function (overdueMarginsOf).
   * @default - none read: the contract's default margin for every consumer
   */
  readonly overdueMargins?: OverdueMargins;
  /**
   * The service's keys in each further region, by region (readRegionalKeys).
   * @default - none read: no region but the client's
   */
  readonly regionalKeys?: ReadonlyMap<string, readonly ApiKey[]>;
}

/** Every consumer of the service (of every keyplane service when none is named), by name. */
export async function readStatus(
  clients: StatusClients,
  serviceName?: string,
  options: StatusOptions = {}
): Promise<ConsumerStatus[]> {
  const inventory = await readInventory(clients, serviceName);
  // One GetFunctionConfiguration per function, and none when the caller already has both.
  const settings: FunctionSettings =
    options.overdueMargins !== undefined && options.regionalKeys !== undefined
      ? new Map()
      : await readFunctionSettings(
          clients.lambda,
          inventory.secrets.map((secret) => secret.RotationLambdaARN)
        );
  const overdueMargins = options.overdueMargins ?? overdueMarginsOf(settings);
  const regionalKeys =
    options.regionalKeys ?? (await readRegionalKeys(clients, keyRegionsOf(settings), serviceName));
  return statusesOf(clients.secretsManager, inventory, {
    ...options,
    overdueMargins,
    regionalKeys,
  });
}

/** The service's keys in each of `regions`, the further regions its functions name. */
export async function readRegionalKeys(
  clients: StatusClients,
  regions: readonly string[],
  serviceName?: string
): Promise<Map<string, ApiKey[]>> {
  const keys = new Map<string, ApiKey[]>();
  const { apiGatewayIn } = clients;
  if (apiGatewayIn === undefined) return keys;
  for (const region of regions) {
    keys.set(region, await listKeys(apiGatewayIn(region), serviceName));
  }
  return keys;
}

/** The consumers of an inventory already read; asks only for the dates of pending versions. */
export async function statusesOf(
  client: SecretsManagerClient,
  inventory: Inventory,
  options: StatusOptions = {}
): Promise<ConsumerStatus[]> {
  const now = options.now ?? new Date();
  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  const keysBySecret = bySecret(inventory.keys);
  const regional = [...(options.regionalKeys ?? new Map<string, readonly ApiKey[]>())].map(
    ([region, keys]) => ({ region, bySecret: bySecret(keys) })
  );
  const statuses = await Promise.all(
    inventory.secrets.map(async (secret) => {
      const tags = secretTags(secret);
      const stages = secret.SecretVersionsToStages ?? {};
      const staged = (stage: string) => Object.keys(stages).find((v) => stages[v].includes(stage));
      const currentVersion = staged('AWSCURRENT');
      const pendingVersion = staged('AWSPENDING');
      const pending =
        pendingVersion !== undefined && pendingVersion !== currentVersion
          ? {
              versionId: pendingVersion,
              createdDate: await versionDate(client, secret, pendingVersion),
            }
          : undefined;
      const own = keysBySecret.get(secret.ARN ?? '') ?? [];
      const currentKey = own.find((k) => k.tags?.[KeyTag.SECRET_VERSION] === currentVersion);
      const current = currentKey && keyStatus(currentKey);
      const bootstrap =
        currentVersion !== undefined && stages[currentVersion].includes(BOOTSTRAP_STAGE);
      const planIds = (tags[SecretTag.USAGE_PLANS] ?? '').split(PLAN_ID_SEPARATOR).filter(Boolean);
      const base = {
        consumer: tags[SecretTag.CONSUMER] ?? secret.Name ?? '',
        service: tags[SecretTag.SERVICE] ?? '',
        secretName: secret.Name ?? '',
        secretArn: secret.ARN ?? '',
        rotationFunction: secret.RotationLambdaARN,
        planIds,
        plans: planIds.map((id) => inventory.plans.get(id)?.name ?? id),
        rotationEnabled: secret.RotationEnabled === true,
        lastRotated: secret.LastRotatedDate,
        nextRotation: secret.NextRotationDate,
        currentVersion,
        bootstrap,
        current,
        retiring: own.filter((k) => k !== currentKey && k.enabled).map(keyStatus),
        pending,
        rotationInProgress: pending !== undefined,
        overdueMarginMs: overdueMarginMs(
          options.overdueMargins ?? new Map(),
          secret.RotationLambdaARN
        ),
      };
      const regions = regional.flatMap(({ region, bySecret: keys }): RegionStatus[] => {
        const there = keys.get(secret.ARN ?? '') ?? [];
        if (there.length === 0) return [];
        const currentThere = there.find((k) => k.tags?.[KeyTag.SECRET_VERSION] === currentVersion);
        return [
          {
            region,
            ...(currentThere === undefined ? {} : { current: keyStatus(currentThere) }),
            retiring: there.filter((k) => k !== currentThere && k.enabled).map(keyStatus),
          },
        ];
      });
      return { ...base, health: assessHealth(base, now, stuckAfterMs), regions };
    })
  );
  return statuses.sort(
    (a, b) => a.service.localeCompare(b.service) || a.consumer.localeCompare(b.consumer)
  );
}

/** Keys by the secret ARN they are tagged with. */
function bySecret(keys: readonly ApiKey[]): Map<string, ApiKey[]> {
  const grouped = new Map<string, ApiKey[]>();
  for (const key of keys) {
    const arn = key.tags?.[KeyTag.SECRET_ARN] ?? '';
    grouped.set(arn, [...(grouped.get(arn) ?? []), key]);
  }
  return grouped;
}

/** When a version was created: one ListSecretVersionIds, only for secrets with a pending one. */
async function versionDate(
  client: SecretsManagerClient,
  secret: SecretListEntry,
  versionId: string
): Promise<Date | undefined> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({ SecretId: secret.ARN, NextToken: token })
    );
    const version = page.Versions?.find((v) => v.VersionId === versionId);
    if (version) return version.CreatedDate;
    token = page.NextToken;
  } while (token);
  return undefined;
}

function keyStatus(key: ApiKey): KeyStatus {
  return {
    keyId: key.id ?? '',
    enabled: key.enabled === true,
    createdDate: key.createdDate,
    retireAfter: key.tags?.[KeyTag.RETIRE_AFTER],
    deleteAfter: key.tags?.[KeyTag.DELETE_AFTER],
    heldSince: key.tags?.[KeyTag.HELD_SINCE],
    lastTraffic: key.tags?.[KeyTag.LAST_TRAFFIC],
  };
}

/** The status as a plain-text table, one row per consumer. */
export function formatStatusTable(
  statuses: readonly ConsumerStatus[],
  now: Date = new Date()
): string {
  const multiService = new Set(statuses.map((s) => s.service)).size > 1;
  const multiRegion = statuses.some((s) => s.regions.length > 0);
  const header = [
    ...(multiService ? ['SERVICE'] : []),
    'CONSUMER',
    'PLANS',
    'CURRENT KEY',
    'AGE',
    'NEXT ROTATION',
    'RETIRING (retire after)',
    'STILL ON OLD KEY',
    'HEALTH',
    ...(multiRegion ? ['OTHER REGIONS (current; retiring)'] : []),
  ];
  const rows = statuses.map((s) => [
    ...(multiService ? [s.service] : []),
    s.consumer,
    s.plans.join(',') || '-',
    s.current?.keyId ??
      (s.rotationInProgress ? '(rotating)' : s.bootstrap ? '(no key yet)' : '(missing)'),
    formatAge(s.current?.createdDate && now.getTime() - s.current.createdDate.getTime()),
    iso(s.nextRotation),
    s.retiring.map((k) => `${k.keyId} (${k.retireAfter ?? 'not scheduled'})`).join(', ') || '-',
    stillOnOldKey(s),
    s.health.state === 'ok' ? 'ok' : `${s.health.state}: ${s.health.reason}`,
    ...(multiRegion ? [regionsColumn(s)] : []),
  ]);
  return formatTable(header, rows);
}

/** Per further region: its current key, and the keys still enabled there with their time. */
function regionsColumn(status: ConsumerStatus): string {
  const parts = status.regions.map((r) => {
    const retiring = r.retiring.map((k) => ` ${k.keyId} (${k.retireAfter ?? 'not scheduled'})`);
    return `${r.region}: ${r.current?.keyId ?? '(missing)'};${retiring.join(',') || ' -'}`;
  });
  return parts.join(' | ') || '-';
}

/** The column naming a consumer the sweep holds an old key for: the key and since when. */
function stillOnOldKey(status: ConsumerStatus): string {
  const held = heldKey(status);
  if (held === undefined) return '-';
  const seen = held.lastTraffic === undefined ? '' : `, last used ${held.lastTraffic}`;
  return `yes: ${held.keyId} held since ${held.heldSince}${seen}`;
}

/** The status as --json prints it: a stable shape, dates as ISO strings, no values. */
export function statusJson(statuses: readonly ConsumerStatus[], now: Date = new Date()) {
  return {
    consumers: statuses.map((s) => ({
      consumer: s.consumer,
      service: s.service,
      secretName: s.secretName,
      secretArn: s.secretArn,
      plans: s.planIds.map((id, i) => ({ id, name: s.plans[i] })),
      currentKeyId: s.current?.keyId ?? null,
      currentVersion: s.currentVersion ?? null,
      keyCreated: s.current?.createdDate?.toISOString() ?? null,
      keyAgeSeconds: s.current?.createdDate
        ? Math.floor((now.getTime() - s.current.createdDate.getTime()) / 1000)
        : null,
      rotationEnabled: s.rotationEnabled,
      lastRotated: s.lastRotated?.toISOString() ?? null,
      nextRotation: s.nextRotation?.toISOString() ?? null,
      retiring: s.retiring.map((k) => ({
        keyId: k.keyId,
        retireAfter: k.retireAfter ?? null,
        heldSince: k.heldSince ?? null,
        lastTraffic: k.lastTraffic ?? null,
      })),
      stillOnOldKey: heldKey(s) !== undefined,
      pendingVersion: s.pending?.versionId ?? null,
      health: { state: s.health.state, reason: s.health.reason },
      regions: s.regions.map((r) => ({
        region: r.region,
        currentKeyId: r.current?.keyId ?? null,
        retiring: r.retiring.map((k) => ({ keyId: k.keyId, retireAfter: k.retireAfter ?? null })),
      })),
    })),
  };
}
