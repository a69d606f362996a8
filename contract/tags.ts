/**
 * Tag keys: on a consumer's secret, what it serves (contract/secret-tags.ts); on every API key
 * the Lambda creates, the secret version that made it and the key's lifecycle.
 *
 * This is the one place these names are defined. Renaming one is a breaking change for every
 * deployed stack.
 */
/**
 * Keys of a consumer's policy in its tag form. Secrets carry only CONSUMER, USAGE_PLANS and
 * SERVICE (contract/secret-tags.ts); the policy document's entries are checked in the full tag
 * form by the contract's rules (contract/consumer-policy.ts).
 */
export const SecretTag = {
  /** Consumer name, unique within a rotation service. */
  CONSUMER: 'keyplane:consumer',
  /** Usage plan ids the consumer's key must belong to, separated by {@link PLAN_ID_SEPARATOR}. */
  USAGE_PLANS: 'keyplane:usage-plans',
  /** Seconds the outgoing key stays enabled after a rotation. */
  GRACE_PERIOD_SECONDS: 'keyplane:grace-period-seconds',
  /** Letters-and-digits prefix of every key value issued for the consumer. */
  KEY_PREFIX: 'keyplane:key-prefix',
  /** Optional URL that testSecret calls with the pending key in x-api-key. */
  HEALTH_CHECK_URL: 'keyplane:health-check-url',
  /** Name of the rotation service (one per stack) that owns the secret. */
  SERVICE: 'keyplane:service',
  /** "false" stops the quota carry across rotations (contract/usage-rules.ts). */
  CARRY_QUOTA: 'keyplane:carry-quota',
  /** Whole percentage of a plan's quota the follower key may spend between sweeps. */
  QUOTA_SLACK_PERCENT: 'keyplane:quota-slack-percent',
  /** Seconds without traffic after which an outgoing key is retired early; 0: never early. */
  QUIET_PERIOD_SECONDS: 'keyplane:quiet-period-seconds',
  /** Seconds an outgoing key still in use is held past its grace period; 0: never held. */
  MAX_HOLD_SECONDS: 'keyplane:max-hold-seconds',
} as const;

/** Tags the Lambda writes on every API key it creates. */
export const KeyTag = {
  /** ARN of the secret whose rotation created the key. */
  SECRET_ARN: 'keyplane:secret-arn',
  /** Secret version id (the rotation's ClientRequestToken) that created the key. */
  SECRET_VERSION: 'keyplane:secret-version',
  /** Name of the rotation service that owns the key; the sweep only touches its own keys. */
  SERVICE: 'keyplane:service',
  /** ISO-8601 instant after which the sweep removes the key from its plans and disables it. */
  RETIRE_AFTER: 'keyplane:retire-after',
  /** ISO-8601 instant after which the sweep deletes the disabled key. */
  DELETE_AFTER: 'keyplane:delete-after',
  /**
   * The proof that the function made the key (docs/trust.md), sent with CreateApiKey: `v2:` and
   * the base64 HMAC-SHA-256, made with the service's KMS HMAC key, over the three origin tags
   * and the SHA-256 of the key's value. Keys made by keyplane 0.2 carry instead the bare base64
   * MAC over the origin tags and the key id. A copy of the other tags without it, or of it on a
   * key with another value, proves nothing.
   */
  PROOF: 'keyplane:proof',
  /**
   * The sweep's last reading of an outgoing key's usage counters: "<yyyy-MM-dd> <requests of
   * the outgoing key that day> <requests of the current key that day> <ISO-8601 instant of the
   * first reading>", requests summed over plans. The next sweep diffs against it
   * (lambdas/rotation/traffic-decision.ts).
   */
  USAGE_MARK: 'keyplane:usage-mark',
  /** ISO-8601 instant the sweep last saw the outgoing key's counters move. */
  LAST_TRAFFIC: 'keyplane:last-traffic',
  /** ISO-8601 instant the sweep began holding the key past its grace period (still in use). */
  HELD_SINCE: 'keyplane:held-since',
  /**
   * ISO-8601 instant an existing key was adopted (lambdas/rotation/adoption.ts): its age as the
   * consumer's key counts from then, not from its creation, so adoption does not make a
   * consumer overdue.
   */
  ADOPTED_AT: 'keyplane:adopted-at',
} as const;

/** Tags keyplane writes on the usage plans its keys join. */
export const PlanTag = {
  /**
   * Name of the rotation service whose keys the plan takes: the rotation function may add keys
   * to and remove keys from a plan only when it carries its own service's name here.
   */
  SERVICE: 'keyplane:service',
} as const;

/**
 * Separator of usage plan ids in the {@link SecretTag.USAGE_PLANS} tag value. A space is one of
 * the few characters Secrets Manager allows in tag values and never occurs in a plan id.
 */
export const PLAN_ID_SEPARATOR = ' ';

/**
 * The MAC algorithm of {@link KeyTag.PROOF}: the service's KMS HMAC_256 key's. The key policy
 * allows no other, so the rotation function and the construct must agree on it.
 */
export const PROOF_MAC_ALGORITHM = 'HMAC_SHA_256';
