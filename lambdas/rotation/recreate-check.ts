/**
 * Before Terraform creates the stack's secrets (the teardown invocation's create and update,
 * which every secret depends on), the function checks that none of their names is scheduled
 * for deletion. Secrets Manager keeps a deleted secret for its recovery window (7-30 days) and
 * refuses to create another under its name meanwhile, so after a `cdktf destroy` a deploy would
 * otherwise fail on CreateSecret with part of the stack applied. Failing here names every such
 * secret and the fix, before any of them is touched. One paginated ListSecrets under the
 * service's prefix, scheduled deletions included.
 */
import { secretsPendingDeletion } from './errors';
import { createLogger } from './log';
import type { Runtime } from './runtime';

const log = createLogger('teardown');

/** Throws, naming them and the fix, when any of `secretNames` is scheduled for deletion. */
export async function refuseSecretsPendingDeletion(
  runtime: Runtime,
  secretNames: readonly string[]
): Promise<void> {
  if (secretNames.length === 0) return;
  const declared = new Set(secretNames);
  const pending = (await runtime.secrets.listByNamePrefix(runtime.env.secretPrefix))
    .filter((secret) => secret.deleted && declared.has(secret.name))
    .map((secret) => secret.name)
    .sort();
  if (pending.length === 0) return;
  log.error('secrets scheduled for deletion block the deploy', { secretNames: pending });
  throw secretsPendingDeletion(runtime.env.service, pending);
}
