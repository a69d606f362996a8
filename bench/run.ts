/**
 * `npm run bench`: synth and plan at scale, rotation cost, and the Lambda's size and cold start, in one run
 * that must finish within 10 minutes on a 2-core machine. Writes bench/results/<date>.json and
 * bench/results/latest.json, and rewrites bench/README.md from them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as prettier from 'prettier';
import { startLocalAws } from '../scripts/local-aws';
import { runApplyDestroy } from './apply';
import { APP_KINDS } from './apps';
import { buildBench } from './build';
import { runLambda } from './lambda';
import { machineInfo } from './machine';
import { METHOD } from './method';
import { README, RESULTS_DIR } from './paths';
import { runPlans } from './plan';
import { renderReadme } from './report';
import { BenchResults } from './results';
import { runRotationCost, type RotationCostSize } from './rotation-cost';
import { runSynth, SynthSize } from './synth';

/** Synth is cheap: 5 runs where a run is ~2 s, 3 where it is ~5 s. */
const SYNTH_SIZES: SynthSize[] = [
  { consumers: 10, runs: 5 },
  { consumers: 100, runs: 5 },
  { consumers: 1_000, runs: 3 },
];
/**
 * A plan of 1,000 consumers takes 1-2 minutes here (5,000 resources for the baseline), so
 * it runs once per app to keep the whole bench under 10 minutes.
 */
const PLAN_RUNS: Record<number, number> = { 100: 3, 1_000: 1 };
/**
 * Apply and destroy of 100 consumers against moto: several minutes per app on a busy 2-core
 * machine (each keyplane apply runs the rotation function 400 times), so once per app.
 */
const APPLY = { consumers: 100, runs: 1 };
const LAMBDA_RUNS = 20;
/**
 * Part 3: 200 rotations (each four node cold starts on the emulator, about 2 s) and one sweep
 * over 1,000 keys, on a private moto of its own.
 */
const ROTATION_COST: RotationCostSize = {
  consumers: 20,
  rotationsPerConsumer: 10,
  sweepKeys: 1_000,
  usagePlans: 10,
  concurrency: 4,
};

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineInfo();
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  log('building the lambda bundle and the child scripts');
  buildBench();

  const lambda = runLambda(LAMBDA_RUNS, log);
  const synth = runSynth(SYNTH_SIZES, log);

  const targets = (consumers: number) =>
    APP_KINDS.map((app) => {
      const measured = synth.find((m) => m.app === app && m.consumers === consumers);
      if (!measured) throw new Error(`no synth output for ${app} at ${consumers} consumers`);
      return { app, consumers, stackDir: measured.stackDir };
    });
  log('starting a private moto for terraform plan, apply and destroy');
  const aws = await startLocalAws({ isolated: true });
  const plan = [];
  let apply;
  try {
    for (const [consumers, runs] of Object.entries(PLAN_RUNS)) {
      plan.push(...runPlans(targets(Number(consumers)), runs, aws.endpoint, log));
    }
    apply = await runApplyDestroy(targets(APPLY.consumers), APPLY.runs, aws, log);
  } finally {
    await aws.stop();
  }

  const rotationCost = await runRotationCost(ROTATION_COST, log);

  const results: BenchResults = {
    machine: { ...machine, loadAverage: { ...machine.loadAverage, end: os.loadavg()[0] } },
    synthSizes: SYNTH_SIZES,
    synth,
    planRuns: PLAN_RUNS,
    plan,
    applyRuns: APPLY.runs,
    apply,
    lambdaRuns: LAMBDA_RUNS,
    lambda,
    rotationCost,
    totalSeconds: (Date.now() - started) / 1000,
  };
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const stamp = machine.date.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), json);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  // Formatted as `prettier --check` expects, so the committed file stays lint-clean.
  const options = (await prettier.resolveConfig(README)) ?? {};
  const markdown = await prettier.format(renderReadme(results, METHOD), {
    ...options,
    parser: 'markdown',
  });
  fs.writeFileSync(README, markdown);
  log(
    `done in ${results.totalSeconds.toFixed(0)} s; wrote ${path.relative(process.cwd(), README)}`
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
