/**
 * The parliament findings that are false positives for a policy type, each suppressed only for
 * the policy files of that type (the security tier names each file <policy type>.<resource>.json)
 * and with the AWS page that makes it one. Nothing is suppressed for every policy.
 */
import * as path from 'path';
import type { ParliamentFinding } from '.';

/** One narrow suppression. */
export interface ParliamentSuppression {
  readonly issue: string;
  /** The policy files it applies to, by base name. */
  readonly file: RegExp;
  readonly reason: string;
}

export const PARLIAMENT_SUPPRESSIONS: readonly ParliamentSuppression[] = [
  {
    issue: 'RESOURCE_STAR',
    file: /^kms-key-policy\./,
    reason:
      'In a key policy the Resource is "*", which means "this KMS key" (AWS KMS Developer Guide, ' +
      '"Key policies in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)',
  },
  {
    issue: 'RESOURCE_STAR',
    file: /^secret-resource-policy\./,
    reason:
      "A secret's resource policy applies to the secret it is attached to; AWS writes its Resource as " +
      '"*" (AWS Secrets Manager User Guide, "Resource-based policies", ' +
      'https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html)',
  },
];

/** The suppression that covers the finding, if any. */
export function suppressionOf(finding: ParliamentFinding): ParliamentSuppression | undefined {
  const file = path.basename(finding.location.filepath ?? '');
  return PARLIAMENT_SUPPRESSIONS.find((s) => s.issue === finding.issue && s.file.test(file));
}
