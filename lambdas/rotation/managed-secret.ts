/**
 * Which secrets belong to this function: a name that starts with KEYPLANE_SECRET_PREFIX and
 * that the deployer's policy document declares. Anything else is refused before any work; tags
 * play no part (anyone allowed to tag or create secrets could set them).
 */
import type { RotationEnv } from './env';
import { secretNotManaged, type Operation } from './errors';
import type { Runtime } from './runtime';
import type { SecretState } from './secret-store';

/** Why a secret under the prefix that the document does not name is refused. */
export const NOT_DECLARED =
  "the deployer's policy document declares no secret of that name (not created by this stack)";

/** Why the secret is not this function's, or undefined when it is. */
export function whyNotManaged(
  secret: Pick<SecretState, 'name'>,
  env: RotationEnv
): string | undefined {
  if (!secret.name.startsWith(env.secretPrefix)) {
    return `its name does not start with ${env.secretPrefix}`;
  }
  if (!env.consumers.has(secret.name)) return NOT_DECLARED;
  return undefined;
}

/**
 * Throws unless the secret is this function's and not scheduled for deletion; a secret under
 * the prefix that the document does not declare is also reported (policy-audit.ts).
 */
export function assertManaged(
  secret: SecretState,
  runtime: Pick<Runtime, 'env' | 'policyAudit'>,
  secretId: string,
  operation: Operation
): void {
  const reason = whyNotManaged(secret, runtime.env);
  if (reason === NOT_DECLARED) runtime.policyAudit.unmanagedSecret(secret.arn, reason);
  if (reason !== undefined) throw secretNotManaged(secretId, operation, reason);
  if (secret.deleted) throw secretNotManaged(secretId, operation, 'it is scheduled for deletion');
}
