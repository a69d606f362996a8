/**
 * Events the rotation Lambda accepts besides Secrets Manager's rotation steps.
 */

/** Sent by the hourly schedule: retire, delete and reconcile managed keys. */
export interface SweepEvent {
  readonly action: 'sweep';
  /** Opaque position returned by a previous sweep that ran out of budget. */
  readonly cursor?: string;
  /**
   * Change nothing: return in `planned` what this sweep would retire, delete, reconcile,
   * schedule or heal (`keyplane sweep --dry-run`).
   * @default false
   */
  readonly dryRun?: boolean;
}

/** One change a dry-run sweep would make (SweepEvent `dryRun`). */
export interface SweepPlannedChange {
  readonly action:
    | 'retire'
    | 'delete'
    | 'reconcile'
    | 'watch'
    | 'schedule-retirement'
    | 'schedule-deletion'
    | 'heal';
  /** The key acted on; for `heal`, the missing current key. */
  readonly keyId?: string;
  /** The secret (consumer) the key belongs to. */
  readonly secretArn?: string;
  /** The further region the key is in (README, "Multi-region keys"); absent: the function's. */
  readonly region?: string;
  /**
   * Why, e.g. `expired`, `quiet` or `orphaned` for a retirement, the plan changes for a
   * reconcile, a hold and the quota shares for a watch.
   */
  readonly detail?: string;
}

/**
 * A leaked key. Without `keyId`: rotates the consumer now and disables every other enabled key
 * of the consumer at once, grace-period keys included. With `keyId`: disables that one key of
 * the consumer only, rotating first when it is the current key.
 */
export interface RevokeEvent {
  readonly action: 'revoke';
  /** Secret ARN or name of the consumer to revoke. */
  readonly secretId: string;
  /** One key id of the consumer to revoke instead of all of them. */
  readonly keyId?: string;
}

/** What the rotation Lambda answers to a {@link RevokeEvent}. */
export interface RevokeResult {
  readonly secretArn: string;
  /** The new AWSCURRENT version; absent when a named non-current key was revoked alone. */
  readonly versionId?: string;
  /** The key the consumer must use from now on; absent with `versionId`. */
  readonly keyId?: string;
  /** Every key this revoke disabled and took out of its plans, in id order. */
  readonly revokedKeyIds: readonly string[];
  /**
   * Enabled keys tagged as the consumer's that the function cannot prove it made, so left
   * alone (reported in its log and metrics); someone else's to look into.
   */
  readonly unprovenKeyIds: readonly string[];
}

/**
 * Sent by Terraform (aws_lambda_invocation, lifecycle scope CRUD) when the rotation service is
 * created, updated and destroyed; `tf.action` says which. On `delete`, which Terraform runs
 * after every consumer's secret is destroyed, the Lambda deletes the keys whose secret is gone
 * or scheduled for deletion, at once: no sweep will run after the stack is gone. Keys of
 * secrets that still exist are never touched.
 */
export interface TeardownEvent {
  readonly action: 'teardown';
  readonly tf?: { readonly action: 'create' | 'update' | 'delete' };
  /**
   * The full names of the stack's secrets. On `create` and `update`, which Terraform runs
   * before it creates any of them, the Lambda fails, naming them and the fix, when one is
   * scheduled for deletion: Secrets Manager refuses to create a secret under such a name.
   * @default - none checked
   */
  readonly secretNames?: readonly string[];
}

/** A teardown without names, as an operator sends it: deletes the keys of deleted secrets. */
export const TEARDOWN_EVENT: TeardownEvent = { action: 'teardown' };

/** The input of the teardown invocation for these secrets; Terraform adds `tf`. */
export function teardownEvent(secretNames: readonly string[]): TeardownEvent {
  return { action: 'teardown', secretNames: [...secretNames].sort() };
}

/** The key under which Terraform passes its lifecycle action to the teardown invocation. */
export const TEARDOWN_TERRAFORM_KEY = 'tf';

/** The input of the hourly EventBridge schedule. */
export const SWEEP_EVENT: SweepEvent = { action: 'sweep' };

/** Environment variables the rotation service sets on the Lambda. */
export const LambdaEnv = {
  /** Name of the rotation service; keys are tagged with it. */
  SERVICE: 'KEYPLANE_SERVICE',
  /** Prefix of the names of this service's secrets. */
  SECRET_PREFIX: 'KEYPLANE_SECRET_PREFIX',
  /** Seconds a retired (disabled) key is kept before the sweep deletes it. */
  DELETE_AFTER_SECONDS: 'KEYPLANE_DELETE_AFTER_SECONDS',
  /**
   * Seconds a consumer's current key may outlive its rotation interval before the sweep counts
   * the consumer as overdue (metric OverdueConsumers).
   */
  OVERDUE_MARGIN_SECONDS: 'KEYPLANE_OVERDUE_MARGIN_SECONDS',
  /**
   * Id of the service's KMS HMAC key (HMAC_256, GENERATE_VERIFY_MAC), usable by the function's
   * role alone: the function proves with it that it made a key (docs/trust.md).
   */
  OWNERSHIP_KEY_ID: 'KEYPLANE_OWNERSHIP_KEY_ID',
  /**
   * The apply-time values the policy document refers to (usage plan ids, token-valued URLs),
   * as a JSON array of strings (contract/deployer-policy.ts).
   */
  POLICY_VALUES: 'KEYPLANE_POLICY_VALUES',
  /**
   * Path of the policy document, for a function run outside its deployment package (tests,
   * benchmarks). Unset in a deployed function, which reads the document beside its code.
   */
  POLICY_FILE: 'KEYPLANE_POLICY_FILE',
  /**
   * The further regions the service's keys live in, separated by spaces, for `keyplane status`
   * to read; set only when a consumer has one. The function takes its regions from the policy
   * document, never from here.
   */
  KEY_REGIONS: 'KEYPLANE_KEY_REGIONS',
  /**
   * Existing API keys to adopt, as JSON from secret name to key id (contract/adoptions.ts);
   * set only when a consumer adopts a key.
   */
  ADOPTIONS: 'KEYPLANE_ADOPTIONS',
  /**
   * Keys (enabled and retained) the service may hold in the region, when the deployer set it
   * (RotationServiceProps.keyBudget); unset, the function derives it from the policy document
   * (contract/blast-radius.ts derivedKeyBudget).
   */
  KEY_BUDGET: 'KEYPLANE_KEY_BUDGET',
  /**
   * The function's reserved concurrency (RotationServiceProps.reservedConcurrency): the
   * containers that may run at once, among which each divides the function's share of API
   * Gateway's account-wide rate. Unset, a container takes the whole share.
   */
  RESERVED_CONCURRENCY: 'KEYPLANE_RESERVED_CONCURRENCY',
} as const;
