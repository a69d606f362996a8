/**
 * What the rotation Lambda answers to a sweep event. The CLI reads it (keyplane's own sweeps,
 * `doctor`), so the type lives here, beside the event.
 */
import type { SweepPlannedChange } from './events';

/** Counts of what one sweep invocation did. */
export interface SweepCounts {
  /** Managed keys (this service's) examined. */
  keysExamined: number;
  /** Current keys whose state or plans were corrected. */
  reconciled: number;
  plansAdded: number;
  plansRemoved: number;
  reenabled: number;
  /** Outgoing keys retired after their grace period. */
  retired: number;
  /** Keys retired because their secret is gone or scheduled for deletion. */
  orphansRetired: number;
  retirementsScheduled: number;
  deletionsScheduled: number;
  deleted: number;
  /** Consumers whose missing current key was replaced by an in-process rotation. */
  healed: number;
  /** Keys and secrets left alone because they could not be traced or changed under the sweep. */
  skipped: number;
  failures: number;
}

/** What the handler returns for a sweep event. */
export interface SweepResult {
  /** False when the sweep stopped early; `cursor` then resumes it. */
  readonly complete: boolean;
  readonly cursor?: string;
  readonly counts: SweepCounts;
  /** Consumers whose current key is older than their rotation schedule plus the margin. */
  readonly overdueConsumers: number;
  /** With `dryRun`: what the sweep would change (it changed nothing). */
  readonly planned?: readonly SweepPlannedChange[];
}
