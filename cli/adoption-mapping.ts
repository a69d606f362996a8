/**
 * The mapping `keyplane adopt` proposes: each existing API key, the consumer that will adopt it,
 * and the usage plans it is in (which keyplane takes over with their ids, so the key never
 * leaves a plan). Read from API Gateway without key values.
 */
import {
  GetApiKeyCommand,
  GetUsagePlansCommand,
  paginateGetApiKeys,
  type ApiKey,
  type UsagePlan,
} from '@aws-sdk/client-api-gateway';
import { API_KEY_ID_PATTERN } from '../contract/adoptions';
import { CONSUMER_NAME_PATTERN } from '../contract/policy-rules';
import { KeyTag } from '../contract/tags';
import { CliError } from './errors';
import { ExitCode } from './exit-codes';
import type { Session } from './session';

/** Which keys to adopt: ids, or every key whose name starts with a prefix. */
export type KeySelection = { readonly keyIds: readonly string[] } | { readonly namePrefix: string };

/** An API stage a plan opens, as the config and the constructs name it. */
export interface PlanStage {
  readonly restApiId: string;
  readonly stage: string;
  readonly methodThrottles?: Record<string, { rateLimit: number; burstLimit: number }>;
}

/** A usage plan an adopted key is in. */
export interface PlanTakeover {
  readonly id: string;
  /** The plan's name in API Gateway. */
  readonly name: string;
  /** The name it gets in keyplane: letters, digits, - and _ of its name. */
  readonly localName: string;
  readonly apiStages: readonly PlanStage[];
  readonly quota?: { limit: number; period: string; offset?: number };
  readonly throttle?: { rateLimit: number; burstLimit: number };
}

/** One key, its consumer and its plans; `problem` says why it cannot be adopted as is. */
export interface AdoptionEntry {
  readonly keyId: string;
  readonly keyName: string;
  readonly consumer: string;
  readonly plans: readonly PlanTakeover[];
  readonly problem?: string;
}

/** Reads the selected keys and their plans. Two API Gateway calls per key, none per plan. */
export async function readAdoptionMapping(
  session: Session,
  selection: KeySelection
): Promise<AdoptionEntry[]> {
  const keys = await selectKeys(session, selection);
  const entries: AdoptionEntry[] = [];
  const consumers = new Map<string, string>();
  for (const key of keys) {
    const plans = await session.clients.apiGateway.send(
      new GetUsagePlansCommand({ keyId: key.id, limit: 500 })
    );
    const prefix = 'namePrefix' in selection ? selection.namePrefix : '';
    const consumer = consumerName((key.name ?? key.id!).slice(prefix.length) || key.id!);
    const problem = problemOf(key, plans.items ?? [], consumer, consumers.get(consumer));
    consumers.set(consumer, key.id!);
    entries.push({
      keyId: key.id!,
      keyName: key.name ?? '',
      consumer,
      plans: (plans.items ?? []).map(takeover),
      ...(problem === undefined ? {} : { problem }),
    });
  }
  return entries.sort((a, b) => a.consumer.localeCompare(b.consumer));
}

async function selectKeys(session: Session, selection: KeySelection): Promise<ApiKey[]> {
  const client = session.clients.apiGateway;
  if ('keyIds' in selection) {
    const keys: ApiKey[] = [];
    for (const id of selection.keyIds) {
      if (!API_KEY_ID_PATTERN.test(id)) {
        throw new CliError(
          `key id must be letters and digits, got ${JSON.stringify(id)}`,
          ExitCode.USAGE,
          'usage'
        );
      }
      try {
        keys.push(await client.send(new GetApiKeyCommand({ apiKey: id, includeValue: false })));
      } catch (error) {
        if ((error as { name?: string }).name === 'NotFoundException') {
          throw new CliError(`API key ${id} does not exist`, ExitCode.NOT_FOUND, 'not-found');
        }
        throw error;
      }
    }
    return keys;
  }
  const keys: ApiKey[] = [];
  // Every key, filtered here: API Gateway's nameQuery is not documented as a prefix match.
  const pages = paginateGetApiKeys({ client, pageSize: 500 }, { includeValues: false });
  for await (const page of pages) {
    keys.push(...(page.items ?? []).filter((k) => k.name?.startsWith(selection.namePrefix)));
  }
  if (keys.length === 0) {
    throw new CliError(
      `no API key's name starts with ${JSON.stringify(selection.namePrefix)}`,
      ExitCode.NOT_FOUND,
      'not-found'
    );
  }
  return keys;
}

/** A consumer name from a key name: letters, digits, - and _, at most 64. */
export function consumerName(keyName: string): string {
  const name = keyName
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return name === '' ? 'consumer' : name;
}

function problemOf(
  key: ApiKey,
  plans: readonly UsagePlan[],
  consumer: string,
  sameConsumer: string | undefined
): string | undefined {
  const service = key.tags?.[KeyTag.SERVICE];
  if (service !== undefined) return `already a keyplane key of service ${service}`;
  if (key.enabled !== true) return 'disabled: adopt only keys in use (enable it, or let it go)';
  if (plans.length === 0) return 'in no usage plan: it grants nothing, so there is nothing to keep';
  if (!CONSUMER_NAME_PATTERN.test(consumer)) return `consumer name ${consumer} is not valid`;
  if (sameConsumer !== undefined) return `consumer name ${consumer} is also key ${sameConsumer}'s`;
  return undefined;
}

function takeover(plan: UsagePlan): PlanTakeover {
  return {
    id: plan.id!,
    name: plan.name ?? plan.id!,
    localName: consumerName(plan.name ?? plan.id!),
    apiStages: (plan.apiStages ?? []).map((s) => ({
      restApiId: s.apiId!,
      stage: s.stage!,
      ...(s.throttle && Object.keys(s.throttle).length > 0
        ? {
            methodThrottles: Object.fromEntries(
              Object.entries(s.throttle).map(([method, t]) => [
                method,
                { rateLimit: t.rateLimit ?? 0, burstLimit: t.burstLimit ?? 0 },
              ])
            ),
          }
        : {}),
    })),
    ...(plan.quota?.limit !== undefined && plan.quota.period !== undefined
      ? {
          quota: {
            limit: plan.quota.limit,
            period: plan.quota.period,
            ...(plan.quota.offset ? { offset: plan.quota.offset } : {}),
          },
        }
      : {}),
    ...(plan.throttle?.rateLimit !== undefined
      ? {
          throttle: {
            rateLimit: plan.throttle.rateLimit,
            burstLimit: plan.throttle.burstLimit ?? 0,
          },
        }
      : {}),
  };
}
