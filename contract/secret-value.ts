/**
 * The JSON held by a consumer's secret. AWSCURRENT names the key the consumer must use.
 */

/** A secret version that holds an API key, written by the rotation Lambda. */
export interface IssuedKeyValue {
  /** Version marker of the JSON: `keyplane/v1`. */
  readonly format: typeof SECRET_FORMAT;
  /** API Gateway API key id. */
  readonly keyId: string;
  /** The API key value consumers send in x-api-key. */
  readonly value: string;
  /** Name of the consumer the key belongs to. */
  readonly consumer: string;
  /** Ids of the usage plans the key was added to. */
  readonly usagePlanIds: readonly string[];
  /** ISO-8601 instant the key was created. */
  readonly createdAt: string;
  /**
   * The record proof: base64 HMAC-SHA-256 with the service's KMS HMAC key, binding the key id
   * to this secret and version (docs/trust.md). The function acts on the key a version names
   * only when it holds. Absent in values written before keyplane 0.2, whose keys are then
   * reported, not touched.
   */
  readonly proof?: string;
  /**
   * The same key value's key in each further region of the consumer (contract/regional-policy.ts),
   * each with its own record proof. Absent for a consumer of one region.
   */
  readonly regions?: readonly RegionalKeyRecord[];
}

/** The key a version hands out in one further region. */
export interface RegionalKeyRecord {
  /** The further region, for example `eu-west-1`. */
  readonly region: string;
  /** API Gateway API key id in that region. */
  readonly keyId: string;
  /** Ids of the usage plans in that region the key was added to. */
  readonly usagePlanIds: readonly string[];
  /** The record proof, binding the key id to this secret, version and region (docs/trust.md). */
  readonly proof: string;
}

/** The first version of every secret, written by Terraform: it holds no key. */
export interface BootstrapValue {
  /** Version marker of the JSON: `keyplane/v1`. */
  readonly format: typeof SECRET_FORMAT;
  /** Marks the placeholder: the consumer's first key is not issued yet. */
  readonly bootstrap: true;
  /** Name of the consumer the secret belongs to. */
  readonly consumer: string;
}

/** What any version of a consumer's secret holds: an issued key or the placeholder. */
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
