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
  /** Outgoing keys retired before their grace period ended: no traffic for the quiet period. */
  retiredEarly: number;
  /** Outgoing keys still in use kept enabled past their grace period (held). */
  held: number;
  /** Remaining quotas set to share a plan's quota between a consumer's two keys. */
  quotaRebalanced: number;
  retirementsScheduled: number;
  deletionsScheduled: number;
  deleted: number;
  /** Consumers whose missing current key was replaced by an in-process rotation. */
  healed: number;
  /** Keys and secrets left alone because they could not be traced or changed under the sweep. */
  skipped: number;
  /** Keys tagged as this service's that fail the ownership proof: reported, never touched. */
  unproven: number;
  /** Enabled keys retired because their consumer had more than its live-key cap. */
  retiredOverCap: number;
  /** Retired keys deleted before their delete-after, beyond their consumer's retained-key cap. */
  deletedOverCap: number;
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
  /** The service's keys (enabled and retained) left in the region after this sweep. */
  readonly keysHeld?: number;
  /** The keys the service may hold in the region (its key budget, key-budget.ts). */
  readonly keyBudget?: number;
  /** With `dryRun`: what the sweep would change (it changed nothing). */
  readonly planned?: readonly SweepPlannedChange[];
}
