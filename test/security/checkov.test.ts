/**
 * The security tier: checkov, a mature IaC scanner, over the Terraform JSON the example app
 * synthesizes. Every failed check must be suppressed by the failing resource itself, with its
 * reason, through suppressScannerCheck (constructs/scanner-suppression.ts): checkov 3.3's
 * terraform_json runner reads no inline skip comments, and its baseline file, the only
 * per-resource alternative, drops the passed checks from the report.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ScannerSuppression } from '../../constructs/scanner-suppression';
import { runCheckov, type CheckovRecord, type CheckovReport } from '../../scripts/checkov';
import { terraformEnv } from '../../scripts/terraform-mirror';
import { filesUnder } from '../support/files';

jest.setTimeout(900_000); // the first run installs checkov into .keyplane/checkov-venv

const ROOT = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-security-'));
const outdir = path.join(work, 'cdktf.out');

type ResourceJson = { '//'?: { checkov?: { skip?: ScannerSuppression[] } } };

/** Every synthesized resource by its name (cdktf names are unique in a stack). */
function resourcesByName(): Map<string, { type: string; json: ResourceJson }> {
  const byName = new Map<string, { type: string; json: ResourceJson }>();
  for (const file of filesUnder(outdir).filter((f) => f.endsWith('.tf.json'))) {
    const synthesized = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      resource?: Record<string, Record<string, ResourceJson>>;
    };
    for (const [type, resources] of Object.entries(synthesized.resource ?? {}))
      for (const [name, json] of Object.entries(resources)) byName.set(name, { type, json });
  }
  return byName;
}

const describeRecord = (r: CheckovRecord) => `${r.check_id} on ${r.resource}: ${r.check_name}`;

describe('checkov over the example app', () => {
  let report: CheckovReport;
  let resources: Map<string, { type: string; json: ResourceJson }>;

  beforeAll(async () => {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir], {
      cwd: ROOT,
      env: terraformEnv(),
      stdio: 'pipe',
    });
    resources = resourcesByName();
    report = await runCheckov(path.join(outdir, 'stacks'));
  });

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** The suppression the failing resource declares for this check, if any. */
  const suppressionOf = (record: CheckovRecord) =>
    resources
      .get(record.resource.split('.').pop()!)
      ?.json['//']?.checkov?.skip?.find((s) => s.id === record.check_id);

  test('scans the synthesized stacks: checks ran and passed, nothing failed to parse', () => {
    expect(report.summary.parsing_errors).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(0);
    expect(report.results.passed_checks.map((r) => r.check_id)).toEqual(
      expect.arrayContaining([
        'CKV_AWS_115', // Lambda concurrency limit
        'CKV_AWS_116', // Lambda dead-letter queue
        'CKV_AWS_173', // Lambda environment encrypted with KMS
        'CKV_AWS_50', // Lambda X-Ray tracing
        'CKV_AWS_149', // secret encrypted with a customer-managed KMS key
        'CKV_AWS_158', // log group encrypted with KMS
        'CKV_AWS_7', // KMS key rotation
      ])
    );
  });

  test('no check fails unless the failing resource suppresses it, with its reason', () => {
    const unsuppressed = report.results.failed_checks.filter((r) => !suppressionOf(r));
    expect(unsuppressed.map(describeRecord)).toEqual([]);
  });

  test('every suppression is still needed: it matches a check that fails on its resource', () => {
    const used = new Set(
      report.results.failed_checks.map((r) => `${r.resource.split('.').pop()} ${r.check_id}`)
    );
    const declared = [...resources].flatMap(([name, { json }]) =>
      (json['//']?.checkov?.skip ?? []).map((s) => `${name} ${s.id}`)
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.filter((d) => !used.has(d))).toEqual([]);
  });
});
