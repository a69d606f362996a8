/**
 * The policy audit: `{action: 'audit'}` asks the rotation function what under its name prefix
 * disagrees with the deployer's policy (`keyplane doctor` shows it). It changes nothing.
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

/** What the function answers to an {@link AuditEvent}. */
export interface AuditResult {
  /** Secrets under the prefix that the deployer's policy does not declare: refused, ignored. */
  readonly undeclaredSecretArns: readonly string[];
  /** Policy tags on declared secrets that differ from the deployer's policy: not obeyed. */
  readonly policyTagMismatches: readonly AuditedMismatch[];
}
