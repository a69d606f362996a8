/**
 * The deployer's policy document as a file, for tests that run the handler through readEnv:
 * the path goes into KEYPLANE_POLICY_FILE.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { literalPolicyDocument, type ConsumerPolicy } from '../../../../contract';

/** Writes the document of `policies` for `service` into a fresh temporary file; its path. */
export function writePolicyFile(
  service: string,
  policies: Iterable<readonly [string, ConsumerPolicy]>
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-policy-'));
  const file = path.join(dir, 'keyplane-policy.json');
  fs.writeFileSync(file, JSON.stringify(literalPolicyDocument(service, policies)));
  return file;
}
