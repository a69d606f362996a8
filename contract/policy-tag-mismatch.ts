/**
 * Tags on a secret that disagree with the deployer's policy. keyplane writes a few tags on each
 * secret for people (contract/secret-tags.ts) and they carry no policy: anyone with
 * secretsmanager:TagResource can edit them. A difference is reported, never obeyed.
 */
import type { ConsumerPolicy } from './consumer-policy';
import { secretTags } from './secret-tags';
import { PLAN_ID_SEPARATOR, SecretTag } from './tags';

/** One tag that says something else than the policy. */
export interface PolicyTagMismatch {
  readonly tag: string;
  /** The tag's value. */
  readonly tagValue: string;
  /** What the deployer's policy says. */
  readonly policyValue: string;
}

/**
 * The tags keyplane writes whose values differ from the policy (usage plans compared as sets).
 * An absent tag is no mismatch, and neither is a tag keyplane does not write.
 */
export function policyTagMismatches(
  policy: ConsumerPolicy,
  service: string,
  tags: Readonly<Record<string, string>>
): PolicyTagMismatch[] {
  const expected = secretTags({ ...policy, service });
  const mismatches: PolicyTagMismatch[] = [];
  for (const [tag, policyValue] of Object.entries(expected)) {
    const tagValue = tags[tag];
    if (tagValue === undefined) continue;
    const same =
      tag === SecretTag.USAGE_PLANS ? samePlans(tagValue, policyValue) : tagValue === policyValue;
    if (!same) mismatches.push({ tag, tagValue, policyValue });
  }
  return mismatches;
}

function samePlans(a: string, b: string): boolean {
  const set = (text: string) =>
    [...new Set(text.split(PLAN_ID_SEPARATOR).filter((id) => id !== ''))].sort().join(' ');
  return set(a) === set(b);
}
