/**
 * Tags on a secret that disagree with the deployer's policy. The tags are kept for people
 * (`keyplane status`, the console) and carry no policy: anyone with secretsmanager:TagResource
 * can edit them. A difference is reported, never obeyed.
 */
import { consumerPolicyTags, type ConsumerPolicy } from './consumer-policy';
import { PLAN_ID_SEPARATOR, SecretTag } from './tags';

/** One tag that says something else than the policy. */
export interface PolicyTagMismatch {
  readonly tag: string;
  /** The tag's value. */
  readonly tagValue: string;
  /** What the deployer's policy says; undefined when it sets nothing for this tag. */
  readonly policyValue?: string;
}

/**
 * The policy tags whose values differ from the policy (usage plans compared as sets). A policy
 * tag that is absent is no mismatch: the tags are informative.
 */
export function policyTagMismatches(
  policy: ConsumerPolicy,
  service: string,
  tags: Readonly<Record<string, string>>
): PolicyTagMismatch[] {
  const expected: Record<string, string> = {
    ...consumerPolicyTags(policy),
    [SecretTag.SERVICE]: service,
  };
  const mismatches: PolicyTagMismatch[] = [];
  for (const tag of Object.values(SecretTag)) {
    const tagValue = tags[tag];
    if (tagValue === undefined) continue;
    const policyValue = expected[tag];
    const same =
      tag === SecretTag.USAGE_PLANS
        ? samePlans(tagValue, policyValue ?? '')
        : tagValue === policyValue;
    if (!same) {
      mismatches.push(
        policyValue === undefined ? { tag, tagValue } : { tag, tagValue, policyValue }
      );
    }
  }
  return mismatches;
}

function samePlans(a: string, b: string): boolean {
  const set = (text: string) =>
    [...new Set(text.split(PLAN_ID_SEPARATOR).filter((id) => id !== ''))].sort().join(' ');
  return set(a) === set(b);
}
