/**
 * Writing an adoption mapping into keyplane.config.json: one consumer per key with `adoptKeyId`,
 * and each of the key's usage plans taken over by `importId`. Idempotent: entries already there
 * with the same key or plan are left as they are; an entry that says something else is a
 * conflict, and then nothing is written. The deploy performs the adoption, not this.
 */
import type { AdoptionEntry, PlanTakeover } from './adoption-mapping';
import { CliError } from './errors';
import { ExitCode } from './exit-codes';

type Json = Record<string, unknown>;

/** What the mapping adds to the config, as JSON paths. */
export interface ConfigAdoption {
  /** The config with the additions (the input is not changed). */
  readonly config: Json;
  readonly added: readonly string[];
  readonly unchanged: readonly string[];
}

export function addAdoptionsToConfig(
  input: Json,
  file: string,
  environment: string,
  entries: readonly AdoptionEntry[]
): ConfigAdoption {
  const config = structuredClone(input);
  const env = (config.environments as Record<string, Json> | undefined)?.[environment];
  if (env === undefined) {
    throw new CliError(
      `environment ${JSON.stringify(environment)} is not in ${file}`,
      ExitCode.NOT_FOUND,
      'unknown-environment'
    );
  }
  const plans = (env.usagePlans ??= {}) as Record<string, Json>;
  const consumers = (env.consumers ??= {}) as Record<string, Json>;
  const added: string[] = [];
  const unchanged: string[] = [];
  const conflicts: string[] = [];
  const at = (...parts: string[]) => ['environments', environment, ...parts].join('.');

  const planName = (plan: PlanTakeover): string | undefined => {
    const taken = Object.entries(plans).find(([, p]) => p.importId === plan.id);
    if (taken) {
      unchanged.push(at('usagePlans', taken[0]));
      return taken[0];
    }
    if (plans[plan.localName] !== undefined) {
      conflicts.push(
        `${at('usagePlans', plan.localName)} exists and does not import plan ${plan.id}; rename one of them`
      );
      return undefined;
    }
    plans[plan.localName] = {
      importId: plan.id,
      apiStages: plan.apiStages,
      ...(plan.quota && { quota: plan.quota }),
      ...(plan.throttle && { throttle: plan.throttle }),
    };
    added.push(at('usagePlans', plan.localName));
    return plan.localName;
  };

  for (const entry of entries) {
    if (entry.problem !== undefined) continue;
    const existing = consumers[entry.consumer];
    if (existing !== undefined) {
      if (existing.adoptKeyId === entry.keyId) unchanged.push(at('consumers', entry.consumer));
      else {
        conflicts.push(
          `${at('consumers', entry.consumer)} exists and does not adopt key ${entry.keyId}; name the key's consumer differently (--name-prefix) or remove the entry`
        );
      }
      continue;
    }
    const names = entry.plans.map(planName);
    if (names.some((name) => name === undefined)) continue;
    consumers[entry.consumer] = { plans: names, adoptKeyId: entry.keyId };
    added.push(at('consumers', entry.consumer));
  }
  if (conflicts.length > 0) {
    throw new CliError(
      `${file}: nothing written, ${conflicts.length} conflict(s):\n  ${conflicts.join('\n  ')}`,
      ExitCode.FAILURE,
      'conflict'
    );
  }
  return { config, added, unchanged: [...new Set(unchanged)] };
}
