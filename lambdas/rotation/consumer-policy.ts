/**
 * A consumer's policy: what the deployer's document says for the secret (deployer-policy.ts),
 * never what its tags say. Policy tags that differ are reported (policy-audit.ts) and ignored.
 */
import { policyTagMismatches, type ConsumerPolicy } from '../../contract';
import { secretNotManaged, type Operation } from './errors';
import { NOT_DECLARED } from './managed-secret';
import type { Runtime } from './runtime';
import type { SecretState } from './secret-store';

export type { ConsumerPolicy } from '../../contract';

/**
 * The deployer's policy for the secret; reports the secret's policy tags that differ. Throws
 * when the document does not declare the secret (callers check that first: managed-secret.ts).
 */
export function readConsumerPolicy(
  runtime: Runtime,
  secret: Pick<SecretState, 'arn' | 'name' | 'tags'>,
  operation: Operation
): ConsumerPolicy {
  const policy = runtime.env.consumers.get(secret.name);
  if (policy === undefined) throw secretNotManaged(secret.arn, operation, NOT_DECLARED);
  const mismatches = policyTagMismatches(policy, runtime.env.service, secret.tags);
  if (mismatches.length > 0) runtime.policyAudit.tagMismatches(secret.arn, mismatches);
  return policy;
}
