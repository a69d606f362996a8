/**
 * parliament (Duo Labs' IAM policy linter, which knows AWS's actions, resources and condition
 * keys) over policy documents, from a project-local venv (.keyplane/parliament-venv, installed on
 * first use from requirements.txt beside this file, like checkov's).
 *
 *   npx tsx scripts/parliament/index.ts <policy.json>...
 *
 * Suppressions are the caller's (see PARLIAMENT_SUPPRESSIONS in suppressions.ts): parliament
 * 1.6.4's own `ignore_locations` config never matches (its make_list turns the YAML strings and
 * lists into empty lists), so it cannot suppress anything narrowly.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ensurePythonVenv, venvScript } from '../../local/python-venv';

const ROOT = path.resolve(__dirname, '..', '..');
export const PARLIAMENT_VENV = path.join(ROOT, '.keyplane', 'parliament-venv');

/** One finding as parliament's --json output reports it. */
export interface ParliamentFinding {
  readonly issue: string;
  readonly severity: string;
  readonly detail: unknown;
  readonly location: { readonly filepath?: string; readonly line?: number };
}

/** Installs parliament if needed; returns its console script. */
export async function ensureParliament(): Promise<string> {
  await ensurePythonVenv({
    dir: PARLIAMENT_VENV,
    requirements: path.join(__dirname, 'requirements.txt'),
    installLog: path.join(ROOT, '.keyplane', 'parliament-install.log'),
    what: 'parliament',
    log: (message) => process.stderr.write(`[parliament] ${message}\n`),
  });
  return venvScript(PARLIAMENT_VENV, 'parliament');
}

/** Lints the policy files (one JSON policy document each); returns every unsuppressed finding. */
export async function runParliament(files: readonly string[]): Promise<ParliamentFinding[]> {
  if (files.length === 0) throw new Error('parliament: no policy files to lint');
  const parliament = await ensureParliament();
  const args = ['--files', files.join(','), '--json'];
  // stdin closed: parliament refuses --files when stdin is a pipe it could read a policy from.
  const run = spawnSync(parliament, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  // Exit 1 means "findings reported"; anything else (or stderr output) is a failed run.
  if (run.error || (run.status !== 0 && run.status !== 1) || run.stderr.trim() !== '') {
    throw new Error(
      `parliament ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr.slice(-4000)}`
    );
  }
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ParliamentFinding);
}

if (require.main === module) {
  runParliament(process.argv.slice(2).map((f) => path.resolve(f))).then(
    (findings) => {
      for (const finding of findings) console.log(JSON.stringify(finding));
      console.log(`${findings.length} finding(s)`);
      process.exitCode = findings.length === 0 ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    }
  );
}
