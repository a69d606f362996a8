/**
 * What every rotation step works on: the secret as described at the start of the invocation,
 * the consumer's policy from its tags, and the version being rotated in (the token).
 */
import type { ConsumerPolicy } from '../consumer-policy';
import type { KeyOrigin } from '../managed-key';
import type { Runtime } from '../runtime';
import type { SecretState } from '../secret-store';

export interface StepContext {
  readonly runtime: Runtime;
  readonly secret: SecretState;
  readonly policy: ConsumerPolicy;
  /** The ClientRequestToken: the id of the version being rotated in. */
  readonly token: string;
}

/** The tags a key made for this rotation carries. */
export function originOf(ctx: StepContext): KeyOrigin {
  return { service: ctx.runtime.env.service, secretArn: ctx.secret.arn, versionId: ctx.token };
}
