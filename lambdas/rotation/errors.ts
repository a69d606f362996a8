/**
 * Error classes of the rotation Lambda and the small factories that word their messages.
 *
 * A message names the secret, the step and what was expected. It never contains a key value:
 * the factories take ids, names, stages and counts, never values, and a wrapped cause's message
 * is masked before it is repeated.
 */
import { maskKeyLike } from './redaction';

/** A Secrets Manager rotation step. */
export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** What the function was doing when it failed: a rotation step, a revoke, a sweep, a teardown. */
export type Operation = RotationStep | 'revoke' | 'sweep' | 'teardown' | 'audit';

/** The Lambda's environment is missing or malformed; nothing runs until it is fixed. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(`keyplane rotation: ${message}`);
    this.name = 'ConfigurationError';
  }
}

/** The invocation event is not one the function accepts. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(`keyplane rotation: ${message}`);
    this.name = 'InvalidEventError';
  }
}

/** A rotation step, a revoke or a sweep action could not do its work. */
export class RotationError extends Error {
  constructor(
    readonly secretId: string,
    readonly operation: Operation,
    message: string,
    options?: ErrorOptions
  ) {
    super(`${secretId} ${operation}: ${message}`, options);
    this.name = 'RotationError';
  }
}

/** A rotate-now or revoke refused because the consumer's cool-down has not passed. */
export class CoolDownError extends RotationError {
  constructor(secretId: string, operation: Operation, message: string) {
    super(secretId, operation, message);
    this.name = 'CoolDownError';
  }
}

/** A new key refused because the service holds its whole key budget in the region. */
export class KeyBudgetError extends RotationError {
  constructor(secretId: string, operation: Operation, message: string) {
    super(secretId, operation, message);
    this.name = 'KeyBudgetError';
  }
}

// ---- environment -------------------------------------------------------------------------

export function missingVariable(name: string): ConfigurationError {
  return new ConfigurationError(`environment variable ${name} must be set`);
}

export function invalidVariable(name: string, expected: string): ConfigurationError {
  return new ConfigurationError(`environment variable ${name} must be ${expected}`);
}

export function policyDocumentUnreadable(file: string, code: string): ConfigurationError {
  return new ConfigurationError(
    `the deployer's policy document ${file} cannot be read (${code}); deploy the function with its RotationService, which ships the document inside the code`
  );
}

export function invalidPolicyDocument(
  file: string,
  field: string,
  rule: string
): ConfigurationError {
  return new ConfigurationError(`the deployer's policy document ${file}: ${field} ${rule}`);
}

// ---- events ------------------------------------------------------------------------------

export function unsupportedEvent(received: string): InvalidEventError {
  return new InvalidEventError(
    'unsupported event: expected a Secrets Manager rotation step {SecretId, ClientRequestToken, ' +
      "Step}, {action: 'sweep', cursor?}, {action: 'revoke', secretId} or {action: 'teardown', " +
      `tf?}; received ${received}`
  );
}

export function unknownAction(rule: string, got: string): InvalidEventError {
  return new InvalidEventError(`unsupported event: action must ${rule}, got ${got}`);
}

export function invalidEvent(kind: string, problems: readonly string[]): InvalidEventError {
  return new InvalidEventError(`invalid ${kind} event: ${problems.join('; ')}`);
}

export function invalidCursor(): InvalidEventError {
  return new InvalidEventError(
    'invalid sweep event: cursor is not one a previous sweep returned; omit it to start over'
  );
}

// ---- rotation preconditions --------------------------------------------------------------

export function secretNotFound(secretId: string, operation: Operation): RotationError {
  return new RotationError(secretId, operation, 'the secret does not exist');
}

export function secretNotManaged(
  secretId: string,
  operation: Operation,
  reason: string
): RotationError {
  return new RotationError(
    secretId,
    operation,
    `the secret is not managed by this function: ${reason}`
  );
}

export function rotationDisabled(secretId: string, step: RotationStep): RotationError {
  return new RotationError(
    secretId,
    step,
    'rotation is not enabled on the secret; expected RotationEnabled = true'
  );
}

export function tokenNotAVersion(
  secretId: string,
  step: RotationStep,
  token: string
): RotationError {
  return new RotationError(
    secretId,
    step,
    `ClientRequestToken ${token} is not a version of the secret; expected a version staged AWSPENDING`
  );
}

export function tokenNotPending(
  secretId: string,
  step: RotationStep,
  token: string,
  stages: readonly string[]
): RotationError {
  const held = stages.length > 0 ? stages.join(', ') : 'no staging labels';
  return new RotationError(
    secretId,
    step,
    `version ${token} is not staged AWSPENDING (it has ${held}); expected AWSPENDING`
  );
}

export function rotationAlreadyRunning(secretId: string, pendingVersion: string): RotationError {
  return new RotationError(
    secretId,
    'revoke',
    `a rotation is in progress (version ${pendingVersion} is staged AWSPENDING); wait for it to ` +
      'finish, or cancel it by removing AWSPENDING from that version, then revoke again'
  );
}

export function teardownIncomplete(service: string, remaining: number): RotationError {
  return new RotationError(
    service,
    'teardown',
    `ran out of time with ${remaining} key(s) of deleted secrets left; run the teardown again`
  );
}

/**
 * Secrets the stack declares are scheduled for deletion (a destroy, or a consumer removed and
 * added again, within the recovery window): CreateSecret would fail on each, half-way through
 * the apply.
 */
export function secretsPendingDeletion(service: string, names: readonly string[]): RotationError {
  const first = names[0] ?? '<name>';
  return new RotationError(
    service,
    'teardown',
    `the stack declares ${names.length} secret(s) scheduled for deletion, which Secrets Manager ` +
      `will not create again until their recovery window ends: ${names.join(', ')}. Their keys were ` +
      'deleted by the teardown or are retired by the sweep, so a deleted secret names no ' +
      'usable key: delete each for good, then deploy again: `aws secretsmanager delete-secret ' +
      `--force-delete-without-recovery --secret-id ${first}\`. To keep one instead (its ` +
      `history or policy), \`aws secretsmanager restore-secret --secret-id ${first}\` and import ` +
      'it into the Terraform state. Stacks that are destroyed and recreated often (dev, CI) ' +
      'should set recoveryWindowInDays to 0.'
  );
}

// ---- keys --------------------------------------------------------------------------------

export function keyNotOfConsumer(secretId: string, keyId: string): RotationError {
  return new RotationError(
    secretId,
    'revoke',
    `keyId ${keyId} is not a key of this consumer (no API key tagged with this secret has that ` +
      "id); list the consumer's keys with `keyplane status`"
  );
}

export function keyNotProven(secretId: string, keyId: string): RotationError {
  return new RotationError(
    secretId,
    'revoke',
    `key ${keyId} carries this consumer's tags but no valid ownership proof, so the function ` +
      'did not make it and leaves it alone; whoever created it must disable it'
  );
}

export function noKeyForVersion(
  secretId: string,
  step: RotationStep,
  token: string,
  found: string
): RotationError {
  return new RotationError(
    secretId,
    step,
    `version ${token} holds ${found}; expected the issued key createSecret writes ` +
      '(did createSecret run for this version?)'
  );
}

export function versionHoldsUnknownKey(
  secretId: string,
  step: RotationStep,
  token: string,
  keyId: string
): RotationError {
  return new RotationError(
    secretId,
    step,
    `version ${token} names key ${keyId}, which the function cannot prove it made for this ` +
      'version; cancel this rotation by removing AWSPENDING from the version and rotate again'
  );
}

/** The deployed configuration names a key to adopt that does not exist. */
export function adoptedKeyNotFound(secretId: string, keyId: string): RotationError {
  return new RotationError(
    secretId,
    'createSecret',
    `the key to adopt, ${keyId}, does not exist; correct the consumer's adopt key id and deploy, ` +
      'or remove it to issue a new key'
  );
}

/** The key to adopt is disabled: handing it out would break the invariant. */
export function adoptedKeyDisabled(secretId: string, keyId: string): RotationError {
  return new RotationError(
    secretId,
    'createSecret',
    `the key to adopt, ${keyId}, is disabled; enable it (it is adopted only while in use), or ` +
      'remove the adopt key id to issue a new key'
  );
}

/** The key to adopt has a value keyplane's secret format cannot hold. */
export function adoptedKeyValueUnfit(secretId: string, keyId: string): RotationError {
  return new RotationError(
    secretId,
    'createSecret',
    `the key to adopt, ${keyId}, has a value that is not 20-128 letters and digits, which ` +
      "keyplane's secret format requires; remove the adopt key id to issue a new key instead"
  );
}

/** The key to adopt already carries another secret's or service's keyplane tags. */
export function adoptedKeyTaken(secretId: string, keyId: string, owner: string): RotationError {
  return new RotationError(
    secretId,
    'createSecret',
    `the key to adopt, ${keyId}, is tagged as ${owner}'s; a key is adopted by one consumer ` +
      'only, so name it in one consumer, or remove its keyplane tags if they are wrong'
  );
}

export function unexpectedVersionValue(
  secretId: string,
  step: RotationStep,
  versionId: string,
  found: string
): RotationError {
  return new RotationError(
    secretId,
    step,
    `version ${versionId} holds ${found}; expected no value yet or a keyplane issued-key value`
  );
}

export function planNotFound(
  secretId: string,
  operation: Operation,
  planId: string
): RotationError {
  return new RotationError(
    secretId,
    operation,
    `usage plan ${planId}, declared in the deployer's policy, does not exist`
  );
}

/** API Gateway refused to put the key in a declared plan: the key is not in it. */
export function planConflict(
  secretId: string,
  operation: Operation,
  conflict: { readonly planId: string; readonly keyId: string; readonly reason: string }
): RotationError {
  return new RotationError(
    secretId,
    operation,
    `API Gateway refused to add key ${conflict.keyId} to usage plan ${conflict.planId}, declared in the deployer's policy (ConflictException: ${maskKeyLike(conflict.reason)}); the key is not in the plan. A key cannot be in two usage plans that serve the same API stage: check the consumer's plans`
  );
}

export function healthCheckFailed(
  secretId: string,
  step: RotationStep,
  target: string,
  detail: string
): RotationError {
  return new RotationError(
    secretId,
    step,
    `health check ${target} ${detail}; expected an answer other than 403`
  );
}

export function stepFailed(secretId: string, operation: Operation, cause: unknown): RotationError {
  const what =
    cause instanceof Error ? `${cause.name}: ${maskKeyLike(cause.message)}` : 'unknown failure';
  return new RotationError(secretId, operation, what, { cause });
}

// ---- blast radius ------------------------------------------------------------------------

/** What a cool-down refusal reports. */
export interface CoolDownRefusal {
  readonly consumer: string;
  /** What was refused: a rotation started with RotateSecret, or a revoke that issues a key. */
  readonly what: 'rotate' | 'revoke';
  /**
   * When the cool-down counts from: the earliest of the keys that fill a rotate cool-down, or
   * the last revoke.
   */
  readonly last: Date;
  /** Rotate: the keys made within the cool-down that fill it (the consumer's maxLiveKeys). */
  readonly keysCounted?: number;
  readonly coolDownSeconds: number;
  readonly remainingSeconds: number;
}

export function coolingDown(
  secretId: string,
  operation: Operation,
  refusal: CoolDownRefusal
): CoolDownError {
  const setting = refusal.what === 'rotate' ? 'rotateCoolDown' : 'revokeCoolDown';
  const what =
    refusal.what === 'rotate'
      ? `got ${refusal.keysCounted ?? 1} new keys since ${refusal.last.toISOString()}`
      : `was revoked at ${refusal.last.toISOString()}`;
  return new CoolDownError(
    secretId,
    operation,
    `refused: consumer ${refusal.consumer} ${what}; its ` +
      `${setting} is ${refusal.coolDownSeconds}s, ${refusal.remainingSeconds}s left. Try again ` +
      `after that, or have the deployer lower ${setting} for the consumer and deploy`
  );
}

export function keyBudgetExhausted(
  secretId: string,
  operation: Operation,
  service: string,
  held: number,
  budget: number
): KeyBudgetError {
  return new KeyBudgetError(
    secretId,
    operation,
    `refused to issue a key: service ${service} holds ${held} keys in the region, its key budget ` +
      `is ${budget} (keyBudget). Run \`keyplane sweep\` (it deletes retired keys beyond each ` +
      `consumer's maxRetainedKeys), revoke one key with --key, or raise keyBudget and deploy`
  );
}
