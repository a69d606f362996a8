import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';

/**
 * Bundles `source` (an ES module exporting `handler`, free to import the AWS SDK v3) the
 * way scripts/build-lambda.ts bundles real functions, and zips it as index.js with
 * Python's zipfile. Returns the zip bytes, ready for CreateFunction's Code.ZipFile.
 */
export function bundleHandlerZip(source: string): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-local-aws-fn-'));
  try {
    const entry = path.join(dir, 'handler.mjs');
    fs.writeFileSync(entry, source);
    buildSync({
      entryPoints: [entry],
      outfile: path.join(dir, 'out', 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      nodePaths: [path.resolve(__dirname, '..', '..', 'node_modules')],
      logLevel: 'warning',
    });
    const zipFile = path.join(dir, 'function.zip');
    const zipped = spawnSync(
      process.env.KEYPLANE_PYTHON ?? 'python3',
      [
        '-c',
        'import sys, zipfile\n' +
          'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n' +
          '    z.write(sys.argv[2], "index.js")',
        zipFile,
        path.join(dir, 'out', 'index.js'),
      ],
      { encoding: 'utf8' }
    );
    if (zipped.status !== 0) throw new Error(`zipping failed: ${zipped.stderr}`);
    return new Uint8Array(fs.readFileSync(zipFile));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Creates an IAM role for test functions (moto checks the role exists). IAM's query API
 * is called directly to avoid a dependency on @aws-sdk/client-iam: moto routes by the
 * credential scope in Authorization and does not verify signatures.
 */
export async function createTestRole(endpoint: string, roleName: string): Promise<string> {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    }),
  });
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, ' +
        'SignedHeaders=host, Signature=0',
    },
    body,
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!res.ok || !arn) throw new Error(`CreateRole failed: HTTP ${res.status} ${text}`);
  return arn;
}
