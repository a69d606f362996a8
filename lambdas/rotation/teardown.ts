/**
 * Teardown: Terraform invokes the function when the rotation service is created, updated and
 * destroyed (aws_lambda_invocation, lifecycle scope CRUD). Create and update, which Terraform
 * runs before it creates any secret, check that none of the stack's secret names is scheduled
 * for deletion (recreate-check.ts). On
 * delete, which Terraform runs after every consumer's secret is destroyed, the keys whose
 * secret is gone or scheduled for deletion are deleted at once, because no sweep will run
 * after the stack is gone. Keys of secrets that still exist are never touched, nor keys that
 * fail the ownership proof (ownership.ts). An invocation
 * without Terraform's action (an operator's) does the delete work, in the function's region and
 * in every further region a consumer declares (key-regions.ts).
 */
import type { ApiKeyStore } from './api-key-store';
import { teardownIncomplete } from './errors';
import type { TerraformAction } from './events';
import { serviceRegions } from './key-regions';
import { createLogger } from './log';
import type { ManagedKey } from './managed-key';
import { whyNotManaged } from './managed-secret';
import { refuseSecretsPendingDeletion } from './recreate-check';
import type { Runtime } from './runtime';

const log = createLogger('teardown');

/** Time kept in reserve before the Lambda timeout. */
export const TEARDOWN_SAFETY_MARGIN_MS = 10_000;

/** What the handler returns for a teardown event (Terraform keeps it in state: counts only). */
export interface TeardownResult {
  readonly terraformAction: TerraformAction | 'none';
  /** Keys of deleted secrets that were deleted. */
  readonly deleted: number;
}

export async function teardown(
  runtime: Runtime,
  terraformAction?: TerraformAction,
  remainingTimeMs?: number,
  secretNames: readonly string[] = []
): Promise<TeardownResult> {
  const action = terraformAction ?? 'none';
  if (action === 'create' || action === 'update') {
    await refuseSecretsPendingDeletion(runtime, secretNames);
    log.info('no declared secret is scheduled for deletion', {
      terraformAction: action,
      secrets: secretNames.length,
    });
    return { terraformAction: action, deleted: 0 };
  }
  const { env, secrets, keys, regions, now } = runtime;
  const deadline =
    remainingTimeMs === undefined
      ? undefined
      : now().getTime() + remainingTimeMs - TEARDOWN_SAFETY_MARGIN_MS;

  const live = new Set<string>();
  const gone = new Set<string>();
  for (const secret of await secrets.listByNamePrefix(env.secretPrefix)) {
    if (whyNotManaged(secret, env) !== undefined) continue;
    (secret.deleted ? gone : live).add(secret.arn);
  }
  const stores: ApiKeyStore[] = [keys, ...serviceRegions(env).map((r) => regions.in(r).keys)];
  const candidates: { key: ManagedKey; store: ApiKeyStore }[] = [];
  for (const store of stores) {
    for (const key of await store.listAll()) {
      if (key.service !== env.service || key.secretArn === undefined || live.has(key.secretArn)) {
        continue;
      }
      candidates.push({ key, store });
    }
  }

  let deleted = 0;
  for (const [index, { key, store }] of candidates.entries()) {
    if (deadline !== undefined && now().getTime() >= deadline) {
      throw teardownIncomplete(env.service, candidates.length - index);
    }
    const arn = key.secretArn ?? '';
    if (!gone.has(arn)) {
      // Not in the listing: deleted for good, eventually consistent, or not this service's.
      const state = await secrets.describe(arn);
      if (state !== undefined && !state.deleted) {
        if (whyNotManaged(state, env) === undefined) live.add(arn);
        continue;
      }
      gone.add(arn);
    }
    if (!(await runtime.ownership.ownsKey(key, 'teardown'))) continue;
    if (await store.delete(key.id)) deleted++;
  }
  log.info('teardown summary', { terraformAction: action, deleted });
  return { terraformAction: action, deleted };
}
