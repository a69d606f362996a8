/**
 * The policy audit (contract/audit.ts): the secrets under the name prefix, each against the
 * deployer's policy, and each declared consumer's plans in its further regions. One ListSecrets page per 100 secrets; nothing is changed. Each finding is
 * also logged and counted (policy-audit.ts), as the rotation and the sweep do.
 */
import type { AuditedMismatch, AuditedRegionalPlans, AuditResult } from '../../contract';
import { policyTagMismatches } from '../../contract';
import { readConsumerPolicy } from './consumer-policy';
import { whyNotManaged } from './managed-secret';
import type { Runtime } from './runtime';

export type { AuditResult } from '../../contract';

export async function audit(runtime: Runtime): Promise<AuditResult> {
  const undeclaredSecretArns: string[] = [];
  const mismatches: AuditedMismatch[] = [];
  const regionalPlans: AuditedRegionalPlans[] = [];
  for (const secret of await runtime.secrets.listByNamePrefix(runtime.env.secretPrefix)) {
    if (secret.deleted) continue;
    const reason = whyNotManaged(secret, runtime.env);
    if (reason !== undefined) {
      runtime.policyAudit.unmanagedSecret(secret.arn, reason);
      undeclaredSecretArns.push(secret.arn);
      continue;
    }
    const policy = readConsumerPolicy(runtime, secret, 'audit');
    for (const mismatch of policyTagMismatches(policy, runtime.env.service, secret.tags)) {
      mismatches.push({ secretArn: secret.arn, ...mismatch });
    }
    for (const { region, usagePlanIds } of policy.regions ?? []) {
      regionalPlans.push({ secretArn: secret.arn, region, usagePlanIds });
    }
  }
  return {
    undeclaredSecretArns: undeclaredSecretArns.sort(),
    policyTagMismatches: mismatches,
    regionalPlans,
  };
}
