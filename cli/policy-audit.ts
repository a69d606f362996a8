/**
 * `keyplane doctor`'s view of the deployer's policy: it asks each service's rotation function
 * for its audit (contract/audit.ts), since only the function holds the policy document, and
 * names what the function refuses or does not obey: secrets under the prefix that the policy
 * does not declare, and policy tags that differ from it. The audit also says which plans each
 * consumer's key must be in in its further regions, which doctor checks (drift.ts).
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { AUDIT_EVENT, type AuditResult } from '../contract/audit';
import type { Finding } from './drift';
import { invokeRotationFunction, rotationFunctionName } from './rotation-function';

/** What the functions of the services answered. */
export interface PolicyAudit {
  /** What they refuse or do not obey; a function that cannot be asked is a finding too. */
  readonly findings: Finding[];
  /** The plan ids each consumer's key must be in, by further region, then by secret ARN. */
  readonly regionalPlans: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /**
   * The services whose function answered with its regional plans: for their consumers,
   * `regionalPlans` names every further region they must have a key in.
   */
  readonly audited: ReadonlySet<string>;
}

/** Asks the rotation function of each of `services` for its audit. */
export async function auditPolicy(
  lambda: LambdaClient,
  services: readonly string[]
): Promise<PolicyAudit> {
  const findings: Finding[] = [];
  const regionalPlans = new Map<string, Map<string, readonly string[]>>();
  const audited = new Set<string>();
  for (const service of services) {
    const functionName = rotationFunctionName(service);
    let result: AuditResult;
    try {
      result = await invokeRotationFunction<AuditResult>(lambda, functionName, AUDIT_EVENT);
    } catch (error) {
      findings.push({
        kind: 'audit-failed',
        service,
        message: `could not ask ${functionName} for its policy audit (${(error as Error).message}); check lambda:InvokeFunction on it`,
      });
      continue;
    }
    for (const secretArn of result.undeclaredSecretArns) {
      findings.push({
        kind: 'undeclared-secret',
        service,
        secretArn,
        message: `secret ${secretArn} is under ${service}'s name prefix but not in the deployer's policy: the rotation function refuses it; whoever created it should delete it`,
      });
    }
    for (const m of result.policyTagMismatches) {
      findings.push({
        kind: 'policy-tag-mismatch',
        service,
        secretArn: m.secretArn,
        message: `${m.secretArn}: tag ${m.tag} is "${m.tagValue}" but the deployer's policy says "${m.policyValue}"; the function obeys the policy, not the tag: restore the tag (or redeploy) and find out who changed it`,
      });
    }
    // A function older than multi-region keys does not answer them: its service is not audited.
    if (result.regionalPlans !== undefined) audited.add(service);
    for (const { region, secretArn, usagePlanIds } of result.regionalPlans ?? []) {
      const inRegion = regionalPlans.get(region) ?? new Map<string, readonly string[]>();
      regionalPlans.set(region, inRegion.set(secretArn, usagePlanIds));
    }
  }
  return { findings, regionalPlans, audited };
}
