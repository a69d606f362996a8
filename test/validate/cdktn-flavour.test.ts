/**
 * The CDK Terrain flavour: the README's import sample, with the imports the README's migration
 * note changes, built as a fresh cdktn project would build it (keyplane from the packed
 * tarball beside cdktn and @cdktn/provider-aws, no cdktf package anywhere) and run on the Node
 * @cdktn/provider-aws supports. Its Terraform must be the cdktf flavour's, apart from the
 * provider version constraint and cdktf's metadata.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as semver from 'semver';
import { cdktnNode } from '../support/cdktn-node';
import {
  buildImportSample,
  CDKTF,
  CDKTN,
  Flavour,
  readmeCdktnImports,
  readmeImportSample,
} from '../support/import-sample';

const ROOT = path.resolve(__dirname, '..', '..');
const STACK = 'orders-keys';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-cdktn-'));

/** Terraform JSON, loosely typed: only the parts read here are named. */
interface StackJson {
  terraform: { required_providers: Record<string, { source: string; version: string }> };
  [section: string]: unknown;
}

/**
 * Builds the sample in `name` for `flavour` and synthesizes it with `node`, from `work` (as a
 * project migrated in place runs from the same folder: the local backend's state path is
 * absolute). Returns its stack.
 */
function synthSample(name: string, flavour: Flavour, node: string): StackJson {
  const dir = path.join(work, name);
  const entry = buildImportSample(dir, flavour);
  const outdir = path.join(dir, 'out');
  execFileSync(node, [entry], {
    cwd: work,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    stdio: 'pipe',
  });
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
}

/** `value` without the framework's "//" metadata blocks, at any depth. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '//')
      .map(([key, child]) => [key, withoutMetadata(child)])
  );
}

/**
 * `stack` without metadata and with the AWS provider requirement set aside: its version
 * constraint, and its source, which cdktf writes "aws" and cdktn "hashicorp/aws", two
 * spellings of the one address registry.terraform.io/hashicorp/aws.
 */
function comparable(stack: StackJson): unknown {
  const { aws: _requirement, ...providers } = stack.terraform.required_providers;
  return withoutMetadata({
    ...stack,
    terraform: { ...stack.terraform, required_providers: providers },
  });
}

function installedVersion(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8'))
    .version;
}

describe('the CDK Terrain flavour', () => {
  let cdktf: StackJson;
  let cdktn: StackJson;

  beforeAll(() => {
    cdktf = synthSample('cdktf', CDKTF, process.execPath);
    cdktn = synthSample('cdktn', CDKTN, cdktnNode());
  }, 240_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  // The AWS provider versions are the ones docs/cdktn.md reviews: a provider upgrade fails here
  // until that review is brought up to date.
  test('a fresh cdktn project synthesizes the sample with cdktn and AWS provider 6.x', () => {
    const metadata = (cdktn['//'] as { metadata: { version: string; stackName: string } }).metadata;
    expect(metadata).toMatchObject({ version: installedVersion('cdktn'), stackName: STACK });
    const resources = cdktn.resource as Record<string, Record<string, unknown>>;
    expect(Object.keys(resources.aws_secretsmanager_secret_rotation)).toHaveLength(2);
    expect(cdktn.terraform.required_providers.aws).toEqual({
      source: 'hashicorp/aws',
      version: '6.66.0',
    });
    expect(fs.existsSync(path.join(work, 'cdktn', 'node_modules', 'cdktf'))).toBe(false);
  });

  test('the keyplane CLI runs in the cdktn project, which has no cdktf package', () => {
    const installed = path.join(work, 'cdktn', 'node_modules', 'keyplane');
    const { bin } = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    const help = execFileSync(cdktnNode(), [path.join(installed, bin.keyplane), '--help'], {
      stdio: 'pipe',
    }).toString();
    expect(help).toMatch(/rotate/);
  });

  test('its Terraform equals the cdktf flavour, apart from the provider requirement and metadata', () => {
    expect(cdktf.terraform.required_providers.aws).toEqual({
      source: 'aws',
      version: '5.100.0',
    });
    expect(comparable(cdktn)).toEqual(comparable(cdktf));
  });

  test("the README's cdktn imports are the ones this sample was built with", () => {
    const imports = readmeCdktnImports();
    expect(imports).toHaveLength(3);
    const sample = CDKTN.source(readmeImportSample()).split('\n');
    for (const line of imports) expect(sample).toContain(line);
  });

  test('each flavour installs with its own framework: in range and the other one optional', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(work, 'cdktn', 'node_modules', 'keyplane', 'package.json'), 'utf8')
    );
    for (const flavour of [CDKTF, CDKTN]) {
      const peers = flavour.packages.filter((pkg) => pkg in manifest.peerDependencies);
      expect(peers).toHaveLength(3); // the framework, its AWS provider, constructs
      for (const pkg of peers) {
        expect({
          pkg,
          satisfied: semver.satisfies(installedVersion(pkg), manifest.peerDependencies[pkg]),
        }).toEqual({ pkg, satisfied: true });
      }
    }
    const optional = { optional: true };
    expect(manifest.peerDependenciesMeta).toEqual({
      '@cdktf/provider-aws': optional,
      '@cdktn/provider-aws': optional,
      cdktf: optional,
      cdktn: optional,
    });
  });
});
