/**
 * The tags the constructs write on a consumer's secret: whom it serves (the consumer and its
 * usage plans) and which rotation service owns it. They are for people, `keyplane status` and
 * `keyplane doctor`; the rotation function obeys none of them (its policy comes only from the
 * deployer's document, contract/deployer-policy.ts) and reports a tag that differs from the
 * document (contract/policy-tag-mismatch.ts). The rest of a consumer's policy is not written
 * as tags: each tag costs every `terraform plan` time (bench/README.md) and would only repeat
 * the document.
 */
import { PLAN_ID_SEPARATOR, SecretTag } from './tags';

/** What the tags say. */
export interface SecretTagValues {
  readonly consumer: string;
  /** The consumer's usage plan ids; each may be a Terraform expression. */
  readonly usagePlanIds: readonly string[];
  /** The rotation service that owns the secret. */
  readonly service: string;
}

/** The tags keyplane writes on a consumer's secret. */
export function secretTags(values: SecretTagValues): Record<string, string> {
  return {
    [SecretTag.CONSUMER]: values.consumer,
    [SecretTag.USAGE_PLANS]: values.usagePlanIds.join(PLAN_ID_SEPARATOR),
    [SecretTag.SERVICE]: values.service,
  };
}
