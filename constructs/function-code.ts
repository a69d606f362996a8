/**
 * The rotation function's deployment package: the prebuilt bundle zip (scripts/build-lambda.ts)
 * plus the deployer's policy document (contract/deployer-policy.ts) as one more file beside
 * index.js. Made at synth, since the document holds the stack's consumers, with the same fixed
 * entry times and order as the bundle zip, so the bytes (and the Lambda's code hash) change only
 * when the code or a consumer's policy does.
 *
 * The package is written once per content into the system's temporary folder, named by its
 * SHA-256, and copied from there into the synth output by a TerraformAsset.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// fflate: a small, dependency-free zip reader and writer whose entry times can be fixed.
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { POLICY_DOCUMENT_FILE } from '../contract/deployer-policy';

/** Every entry's time, as scripts/build-lambda.ts writes them: the zip format's earliest date. */
const ENTRY_TIME = new Date(1980, 0, 1);

/** A package on disk. */
export interface FunctionCode {
  /** Absolute path of the zip. */
  readonly file: string;
  /** SHA-256 of the zip, hex. */
  readonly sha256Hex: string;
  /** SHA-256 of the zip, base64: Lambda's CodeSha256 and Terraform's source_code_hash. */
  readonly sha256Base64: string;
}

/** Unzipped bundles by path and modification time: a process synthesizes many stacks. */
const bundles = new Map<string, Record<string, Uint8Array>>();

/** The package of `bundleZip` with `policyDocument` added. */
export function functionCodeWithPolicy(bundleZip: string, policyDocument: string): FunctionCode {
  const files = unzippedBundle(bundleZip);
  const entries: Zippable = {};
  for (const name of Object.keys(files).sort())
    entries[name] = [files[name], { mtime: ENTRY_TIME }];
  entries[POLICY_DOCUMENT_FILE] = [strToU8(policyDocument), { mtime: ENTRY_TIME }];
  const zip = zipSync(entries, { level: 9 });
  const digest = createHash('sha256').update(zip).digest();
  const sha256Hex = digest.toString('hex');
  const file = path.join(
    os.tmpdir(),
    'keyplane-function-code',
    sha256Hex,
    path.basename(bundleZip)
  );
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, file);
  }
  return { file, sha256Hex, sha256Base64: digest.toString('base64') };
}

function unzippedBundle(bundleZip: string): Record<string, Uint8Array> {
  const key = `${bundleZip}\n${fs.statSync(bundleZip).mtimeMs}`;
  let files = bundles.get(key);
  if (files === undefined) {
    files = unzipSync(fs.readFileSync(bundleZip));
    if (files[POLICY_DOCUMENT_FILE] !== undefined) {
      throw new Error(
        `${bundleZip} already holds ${POLICY_DOCUMENT_FILE}; rebuild it with npm run build:lambda`
      );
    }
    bundles.set(key, files);
  }
  return files;
}
