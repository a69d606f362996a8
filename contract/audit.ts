/**
 * The policy audit: `{action: 'audit'}` asks the rotation function what under its name prefix
 * disagrees with the deployer's policy, and the plans each consumer must be in in its further
 * regions, which only the policy holds (`keyplane doctor` shows and checks them). It changes
 * nothing.
 */
import type { PolicyTagMismatch } from './policy-tag-mismatch';

/** Asks for the audit. */
export interface AuditEvent {
  readonly action: 'audit';
}

/** The input of an audit. */
export const AUDIT_EVENT: AuditEvent = { action: 'audit' };

/** A policy tag of one secret that the function does not obey. */
export interface AuditedMismatch extends PolicyTagMismatch {
  readonly secretArn: string;
}

/** The usage plans a declared consumer's key must be in in one further region. */
export interface AuditedRegionalPlans {
  readonly secretArn: string;
  readonly region: string;
  readonly usagePlanIds: readonly string[];
}

/** What the function answers to an {@link AuditEvent}. */
export interface AuditResult {
  /** Secrets under the prefix that the deployer's policy does not declare: refused, ignored. */
  readonly undeclaredSecretArns: readonly string[];
  /** Policy tags on declared secrets that differ from the deployer's policy: not obeyed. */
  readonly policyTagMismatches: readonly AuditedMismatch[];
  /**
   * Each declared consumer's plans in each of its further regions.
   * @default - none: a function older than multi-region keys does not answer it
   */
  readonly regionalPlans?: readonly AuditedRegionalPlans[];
}
