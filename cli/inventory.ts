/**
 * Everything keyplane owns in one account and region, read in a few list calls and never with
 * a key or secret value: the secrets of its rotation services (ListSecrets carries their tags,
 * stages and rotation dates), the API keys tagged by a rotation Lambda, and the usage plans;
 * of a further region of the keys, its API keys, usage plans and their members.
 */
import {
  APIGatewayClient,
  ApiKey,
  paginateGetApiKeys,
  paginateGetUsagePlanKeys,
  paginateGetUsagePlans,
  UsagePlan,
} from '@aws-sdk/client-api-gateway';
import {
  paginateListSecrets,
  SecretListEntry,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { KeyTag, SecretTag } from '../contract/tags';

export interface Inventory {
  /** Live (not scheduled for deletion) secrets of the service(s), in name order. */
  readonly secrets: SecretListEntry[];
  /** API keys tagged with a keyplane service (of the service, when one is selected). */
  readonly keys: ApiKey[];
  /** Every usage plan of the account and region, by id. */
  readonly plans: Map<string, UsagePlan>;
}

/** The clients the inventory reads with. */
export interface InventoryClients {
  readonly secretsManager: SecretsManagerClient;
  readonly apiGateway: APIGatewayClient;
}

/** Reads the inventory of one rotation service, or of every keyplane service found. */
export async function readInventory(
  clients: InventoryClients,
  serviceName?: string
): Promise<Inventory> {
  const [secrets, { keys, plans }] = await Promise.all([
    listSecrets(clients.secretsManager, serviceName),
    readKeysAndPlans(clients.apiGateway, serviceName),
  ]);
  return { secrets, keys, plans };
}

/** What one region's API Gateway holds for keyplane: the keys, the usage plans, their members. */
export interface RegionKeys {
  /** A further region of the keys (README, "Multi-region keys"); undefined for the client's. */
  readonly region?: string;
  /** API keys tagged with a keyplane service (of the service, when one is selected). */
  readonly keys: readonly ApiKey[];
  /** Every usage plan of the region, by id. */
  readonly plans: ReadonlyMap<string, UsagePlan>;
  /** Ids of the keys in each usage plan, by plan id. */
  readonly members: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The keys, plans and plan members of a further region, with the client made for it. */
export async function readRegionKeys(
  client: APIGatewayClient,
  region: string,
  serviceName?: string
): Promise<RegionKeys & { readonly region: string }> {
  const { keys, plans } = await readKeysAndPlans(client, serviceName);
  return { region, keys, plans, members: await readPlanMembers(client, plans.keys()) };
}

async function readKeysAndPlans(
  client: APIGatewayClient,
  serviceName: string | undefined
): Promise<Pick<Inventory, 'keys' | 'plans'>> {
  const [keys, plans] = await Promise.all([listKeys(client, serviceName), listPlans(client)]);
  return { keys, plans };
}

/** The tags of a secret as a plain object. */
export function secretTags(secret: SecretListEntry): Record<string, string> {
  return Object.fromEntries((secret.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** The keyplane service names that have at least one secret, sorted. */
export function serviceNames(inventory: Inventory): string[] {
  const names = inventory.secrets.map((s) => secretTags(s)[SecretTag.SERVICE] ?? '');
  return [...new Set(names)].filter(Boolean).sort();
}

/** Ids of the keys in each usage plan: one paged GetUsagePlanKeys per plan. */
export async function readPlanMembers(
  client: APIGatewayClient,
  planIds: Iterable<string>
): Promise<Map<string, Set<string>>> {
  const members = new Map<string, Set<string>>();
  for (const usagePlanId of planIds) {
    const ids = new Set<string>();
    for await (const page of paginateGetUsagePlanKeys({ client, pageSize: 500 }, { usagePlanId }))
      for (const key of page.items ?? []) if (key.id) ids.add(key.id);
    members.set(usagePlanId, ids);
  }
  return members;
}

async function listSecrets(
  client: SecretsManagerClient,
  serviceName: string | undefined
): Promise<SecretListEntry[]> {
  const filters = [
    { Key: 'tag-key' as const, Values: [SecretTag.SERVICE] },
    ...(serviceName === undefined ? [] : [{ Key: 'tag-value' as const, Values: [serviceName] }]),
  ];
  const secrets: SecretListEntry[] = [];
  for await (const page of paginateListSecrets({ client }, { Filters: filters })) {
    for (const secret of page.SecretList ?? []) {
      const service = secretTags(secret)[SecretTag.SERVICE];
      const wanted = serviceName === undefined ? service !== undefined : service === serviceName;
      if (wanted && !secret.DeletedDate && secret.ARN) secrets.push(secret);
    }
  }
  return secrets.sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''));
}

/** The API keys tagged with a keyplane service (with `serviceName`, when given). */
export async function listKeys(
  client: APIGatewayClient,
  serviceName: string | undefined
): Promise<ApiKey[]> {
  const keys: ApiKey[] = [];
  for await (const page of paginateGetApiKeys(
    { client, pageSize: 500 },
    { includeValues: false }
  )) {
    for (const key of page.items ?? []) {
      const service = key.tags?.[KeyTag.SERVICE];
      if (serviceName === undefined ? service !== undefined : service === serviceName)
        keys.push(key);
    }
  }
  return keys;
}

async function listPlans(client: APIGatewayClient): Promise<Map<string, UsagePlan>> {
  const plans = new Map<string, UsagePlan>();
  for await (const page of paginateGetUsagePlans({ client, pageSize: 500 }, {})) {
    for (const plan of page.items ?? []) if (plan.id) plans.set(plan.id, plan);
  }
  return plans;
}
