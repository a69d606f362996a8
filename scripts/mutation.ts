/**
 * `npm run mutation`: Stryker over the rotation function's decision and policy modules and the
 * contract parsing, one run per module with only the unit tests that cover it. Each module
 * must score at least 95% (stryker.config.json's thresholds.break); an equivalent mutant is
 * excluded only in the source, with `// Stryker disable next-line <mutator>: <why>`.
 *
 * Not part of `npm test` (it takes minutes per module on 2 cores): RELIABILITY.md holds the
 * last figures. `npm run mutation -- <module>...` runs only the named modules. Every run is a
 * full one: Stryker's incremental mode reused stale results for mutants that run at module load
 * (a module-level constant's mutant survived there and was killed in a full run).
 *
 * stryker.config.json holds what every run shares: mutants that do not type-check are
 * discarded by the TypeScript checker unrun (they are no test gap); per-test coverage, so a
 * mutant runs only the tests that reach it; one test runner at a time (2 shared cores); the
 * sandbox under .keyplane/ without the emulator, the Python venvs or build output. Stryker's
 * API is ESM-only, so each module is one `stryker run` with the module's files in --mutate and
 * its tests in MUTATION_TESTS (test/mutation.jest.config.js).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const REPORTS = path.join(ROOT, '.keyplane', 'reports', 'mutation');
/** Where stryker.config.json's JSON reporter writes; renamed to <module>.json after each run. */
const LAST_REPORT = path.join(REPORTS, 'last.json');
const STRYKER = path.join(ROOT, 'node_modules', '.bin', 'stryker');
/** The gate, also stryker.config.json's thresholds.break. */
const MINIMUM_SCORE = 95;

interface MutationModule {
  /** Name in the report and on the command line. */
  readonly name: string;
  /** Source files mutated. */
  readonly mutate: readonly string[];
  /** Unit test files that cover them (paths from the repository root). */
  readonly tests: readonly string[];
}

const unit = (name: string) => `test/lambdas/rotation/${name}.test.ts`;

const MODULES: readonly MutationModule[] = [
  {
    name: 'sweep-decision',
    mutate: ['lambdas/rotation/sweep-decision.ts'],
    tests: [unit('sweep-decision')],
  },
  {
    name: 'consumer-policy',
    mutate: [
      'contract/consumer-policy.ts',
      'contract/health-check-url.ts',
      'lambdas/rotation/consumer-policy.ts',
    ],
    tests: [unit('consumer-policy')],
  },
  {
    name: 'key-value',
    mutate: ['lambdas/rotation/key-value.ts', 'lambdas/rotation/checksum.ts'],
    tests: [unit('key-value'), unit('checksum')],
  },
  {
    name: 'rotation-preconditions',
    mutate: ['lambdas/rotation/rotation.ts'],
    tests: [unit('rotation')],
  },
  {
    name: 'contract-parsing',
    mutate: ['lambdas/rotation/events.ts', 'lambdas/rotation/secret-value.ts'],
    tests: [unit('events'), unit('malformed-events'), unit('secret-value')],
  },
  {
    name: 'traffic-decision',
    mutate: ['lambdas/rotation/traffic-decision.ts'],
    tests: [unit('traffic-decision')],
  },
  {
    name: 'quota-split',
    mutate: ['lambdas/rotation/quota-split.ts'],
    tests: [unit('quota-split')],
  },
  {
    name: 'overdue',
    mutate: ['lambdas/rotation/overdue.ts'],
    tests: [unit('overdue')],
  },
  {
    name: 'work-budget',
    mutate: ['lambdas/rotation/work-budget.ts'],
    tests: [unit('work-budget')],
  },
];

/** The mutants of a Stryker JSON report (mutation-testing-report-schema), with their file. */
interface ReportedMutant {
  readonly file: string;
  readonly line: number;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
}

function reportedMutants(reportFile: string): ReportedMutant[] {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
    files: Record<
      string,
      {
        mutants: {
          mutatorName: string;
          replacement?: string;
          status: string;
          location: { start: { line: number } };
        }[];
      }
    >;
  };
  return Object.entries(report.files).flatMap(([file, { mutants }]) =>
    mutants.map((m) => ({
      file,
      line: m.location.start.line,
      mutatorName: m.mutatorName,
      replacement: m.replacement,
      status: m.status,
    }))
  );
}

/** Stryker's mutation score: detected (killed, timed out) over those plus the undetected. */
function summarise(mutants: readonly ReportedMutant[]) {
  const detected = mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout');
  const survivors = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
  const valid = detected.length + survivors.length;
  return {
    score: valid === 0 ? 100 : (100 * detected.length) / valid,
    detected: detected.length,
    valid,
    survivors,
  };
}

function runModule(module: MutationModule): { score: number; row: string } {
  const reportFile = path.join(REPORTS, `${module.name}.json`);
  const started = Date.now();
  const run = spawnSync(
    STRYKER,
    ['run', 'stryker.config.json', '--mutate', module.mutate.join(',')],
    {
      cwd: ROOT,
      env: { ...process.env, MUTATION_TESTS: module.tests.join(',') },
      stdio: 'inherit',
    }
  );
  if (!fs.existsSync(LAST_REPORT) || run.status === null) {
    throw new Error(`stryker run for ${module.name} ended without a report (exit ${run.status})`);
  }
  fs.renameSync(LAST_REPORT, reportFile);
  const { score, detected, valid, survivors } = summarise(reportedMutants(reportFile));
  const seconds = Math.round((Date.now() - started) / 1000);
  const row =
    `${module.name}: ${score.toFixed(1)}% (${detected} of ${valid} mutants detected, ${seconds} s)` +
    survivors
      .map((m) => `\n  ${m.status}: ${m.file}:${m.line} ${m.mutatorName} ${m.replacement ?? ''}`)
      .join('');
  return { score, row };
}

function main(): void {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !MODULES.some((m) => m.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown module ${unknown.join(', ')}: one of ${MODULES.map((m) => m.name).join(', ')}`
    );
  }
  fs.mkdirSync(REPORTS, { recursive: true });
  const results = MODULES.filter((m) => wanted.length === 0 || wanted.includes(m.name)).map(
    (module) => {
      fs.rmSync(LAST_REPORT, { force: true });
      return runModule(module);
    }
  );
  console.info(
    `\nmutation scores (at least ${MINIMUM_SCORE}% each):\n${results.map((r) => r.row).join('\n')}`
  );
  if (results.some((r) => r.score < MINIMUM_SCORE)) process.exitCode = 1;
}

main();
