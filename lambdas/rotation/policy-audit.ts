/**
 * What the function saw that disagrees with the deployer's policy and did not obey: policy tags
 * on a secret that differ from the document, and secrets under the name prefix that the
 * document does not declare. Each is logged (warn) when seen and counted for the invocation's
 * metrics (PolicyTagMismatches, UnmanagedSecrets).
 */
import type { PolicyTagMismatch } from '../../contract';
import { createLogger } from './log';

const log = createLogger('policy');

/** The counts of one invocation. */
export interface PolicyAuditCounts {
  readonly policyTagMismatches: number;
  readonly unmanagedSecrets: number;
}

export class PolicyAudit {
  private mismatches = 0;
  private unmanaged = 0;

  /** Reports tags of `secretArn` that the function did not obey. */
  tagMismatches(secretArn: string, mismatches: readonly PolicyTagMismatch[]): void {
    for (const mismatch of mismatches) {
      this.mismatches++;
      log.warn("a policy tag differs from the deployer's policy; the tag is not obeyed", {
        secretArn,
        ...mismatch,
      });
    }
  }

  /** Reports a secret under the name prefix that the function refused or ignored. */
  unmanagedSecret(secretArn: string, reason: string): void {
    this.unmanaged++;
    log.warn("a secret under the name prefix is not in the deployer's policy; refused", {
      secretArn,
      reason,
    });
  }

  /** The counts since the last call, for the invocation's metrics. */
  endInvocation(): PolicyAuditCounts {
    const counts = { policyTagMismatches: this.mismatches, unmanagedSecrets: this.unmanaged };
    this.mismatches = 0;
    this.unmanaged = 0;
    return counts;
  }
}
