/**
 * A consumer's policy, read from the tags Terraform writes on its secret. The tags' encoding and
 * rules are the contract's (contract/consumer-policy.ts); this module turns a broken tag into
 * the function's SecretPolicyError.
 */
import { isPolicyTagProblem, readConsumerPolicyTags, type ConsumerPolicy } from '../../contract';
import { SecretPolicyError } from './errors';

export type { ConsumerPolicy } from '../../contract';

/** Reads the policy from a secret's tags; throws a SecretPolicyError naming the bad tag. */
export function readConsumerPolicy(
  secretId: string,
  tags: Readonly<Record<string, string>>
): ConsumerPolicy {
  const policy = readConsumerPolicyTags(tags);
  if (isPolicyTagProblem(policy)) throw new SecretPolicyError(secretId, policy.tag, policy.rule);
  return policy;
}
