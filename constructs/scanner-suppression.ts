import { TerraformResource } from 'cdktf';
import { KeyplaneValidationError } from './errors';

/** One IaC-scanner check a resource is exempt from, and why. */
export interface ScannerSuppression {
  /** The checkov check id, e.g. `CKV_AWS_117`. */
  readonly id: string;
  /** Why the check does not apply or is accepted: shown to whoever reviews the scan. */
  readonly comment: string;
}

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;
const suppressions = new WeakMap<TerraformResource, ScannerSuppression[]>();

/**
 * Records, in the resource's own synthesized JSON, that it is exempt from a checkov check:
 * `"//": {"checkov": {"skip": [{"id", "comment"}]}}`, the shape proposed for cdktf in
 * checkov issue 4634. Terraform ignores `//` keys. checkov 3.3's terraform_json runner reads
 * no inline skips, so keyplane's security test applies these: a failed check counts as
 * suppressed only when the failing resource carries its id with a reason.
 */
export function suppressScannerCheck(
  resource: TerraformResource,
  id: string,
  comment: string
): void {
  if (!CHECK_ID.test(id)) {
    throw new KeyplaneValidationError(
      `${resource.node.path}: scanner check id must look like CKV_AWS_117 or CKV2_AWS_4, got ${JSON.stringify(id)}`
    );
  }
  if (comment.trim().length < 20) {
    throw new KeyplaneValidationError(
      `${resource.node.path}: the suppression of ${id} must give its reason in at least 20 characters, got ${JSON.stringify(comment)}`
    );
  }
  const list = [...(suppressions.get(resource) ?? []), { id, comment }];
  suppressions.set(resource, list);
  resource.addOverride('//.checkov.skip', list);
}
