/**
 * The JSON held by a consumer's secret. AWSCURRENT names the key the consumer must use.
 */

/** A secret version that holds an API key, written by the rotation Lambda. */
export interface IssuedKeyValue {
  readonly format: typeof SECRET_FORMAT;
  /** API Gateway API key id. */
  readonly keyId: string;
  /** The API key value consumers send in x-api-key. */
  readonly value: string;
  readonly consumer: string;
  readonly usagePlanIds: readonly string[];
  /** ISO-8601 instant the key was created. */
  readonly createdAt: string;
}

/** The first version of every secret, written by Terraform: it holds no key. */
export interface BootstrapValue {
  readonly format: typeof SECRET_FORMAT;
  readonly bootstrap: true;
  readonly consumer: string;
}

export type SecretValue = IssuedKeyValue | BootstrapValue;

/** Version marker of the secret's JSON. */
export const SECRET_FORMAT = 'keyplane/v1';

/**
 * Staging label that stays on the placeholder version for good, so Secrets Manager never
 * removes it and Terraform (which tracks that version) never plans to write it again.
 */
export const BOOTSTRAP_STAGE = 'keyplane-bootstrap';

/** The placeholder value Terraform writes as a secret's first version. */
export function bootstrapValue(consumer: string): BootstrapValue {
  return { format: SECRET_FORMAT, bootstrap: true, consumer };
}
