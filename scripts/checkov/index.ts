/**
 * checkov over synthesized Terraform JSON, from a project-local venv (.keyplane/checkov-venv,
 * installed on first use from requirements.txt beside this file, like moto's).
 *
 *   npx tsx scripts/checkov/index.ts <folder with *.tf.json>
 *
 * It runs offline: --skip-download and BC_SKIP_MAPPING keep it from asking Prisma Cloud for
 * guidelines and suppressions.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ensurePythonVenv, venvScript } from '../../local/python-venv';

const ROOT = path.resolve(__dirname, '..', '..');
export const CHECKOV_VENV = path.join(ROOT, '.keyplane', 'checkov-venv');

/** One check result as checkov's JSON output reports it. */
export interface CheckovRecord {
  readonly check_id: string;
  readonly check_name: string;
  /** `<type>.<name>` (graph checks) or `resource.<name>` (attribute checks). */
  readonly resource: string;
  readonly file_path: string;
}

/** checkov's JSON report of one framework. */
export interface CheckovReport {
  readonly summary: {
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly parsing_errors: number;
    readonly checkov_version: string;
  };
  readonly results: {
    readonly passed_checks: CheckovRecord[];
    readonly failed_checks: CheckovRecord[];
    readonly skipped_checks: CheckovRecord[];
  };
}

/** Installs checkov if needed; returns its console script. */
export async function ensureCheckov(): Promise<string> {
  await ensurePythonVenv({
    dir: CHECKOV_VENV,
    requirements: path.join(__dirname, 'requirements.txt'),
    installLog: path.join(ROOT, '.keyplane', 'checkov-install.log'),
    what: 'checkov',
    log: (message) => process.stderr.write(`[checkov] ${message}\n`),
  });
  return venvScript(CHECKOV_VENV, 'checkov');
}

/** Scans every *.tf.json under `dir` with the terraform_json framework. */
export async function runCheckov(dir: string): Promise<CheckovReport> {
  const checkov = await ensureCheckov();
  const args = ['--directory', dir, '--framework', 'terraform_json', '--output', 'json'];
  // --soft-fail: the caller judges the findings; exit 0 means the scan itself ran. No --quiet:
  // it would drop the passed checks.
  const flags = ['--compact', '--skip-download', '--soft-fail'];
  const run = spawnSync(checkov, [...args, ...flags], {
    cwd: ROOT,
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(
      `checkov ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr.slice(-4000)}`
    );
  }
  const parsed = JSON.parse(run.stdout) as CheckovReport | CheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  if (reports.length !== 1 || !reports[0].results) {
    throw new Error(`checkov found nothing to scan in ${dir}: ${run.stdout.slice(0, 500)}`);
  }
  return reports[0];
}

if (require.main === module) {
  runCheckov(path.resolve(process.argv[2] ?? 'cdktf.out')).then(
    (report) => {
      for (const failed of report.results.failed_checks)
        console.log(`FAILED ${failed.check_id} ${failed.resource}: ${failed.check_name}`);
      console.log(JSON.stringify(report.summary));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    }
  );
}
