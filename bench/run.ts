/**
 * `npm run bench [-- --quick]`: every figure of bench/README.md in one run, within 10 minutes on
 * a 2-core machine (`--quick`: smaller sizes, a few minutes, for a check that it all still
 * works). Writes bench/results/<date>.json and latest.json, and the results table and the
 * pacing table of bench/README.md between their markers; the rest of the README is written by
 * hand.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as prettier from 'prettier';
import { MAX_CONSUMERS_PER_SHARD } from '../app/shards';
import { startLocalAws } from '../scripts/local-aws';
import { totalCalls, type CallCounts } from '../scripts/local-aws/aws-proxy';
import { CONSUMERS_PER_REGION, REGIONS } from './apps/region-config';
import { buildBench } from './build';
import { countFeatureCalls, total, type FeatureCase } from './feature-calls';
import { Figure, figureRow, statusOf, TABLE_HEADER } from './figures';
import { machineInfo } from './machine';
import { pacingFigures, pacingTable, runPacing } from './pacing';
import { LATEST, README, RESULTS_DIR } from './paths';
import { planStacks } from './plan';
import { runRotationCost } from './rotation-cost';
import { synthBenchApps, synthRegionApp } from './synth';

const QUICK = process.argv.includes('--quick');
/**
 * The sweep's region: a shard's consumers' keys (at most 1,000 consumers a shard) and the other
 * shards' keys, 10,000 in all (the region's quota).
 */
const SIZE = QUICK
  ? {
      synth: { consumers: 100, runs: 1 },
      plan: { consumers: 100, runs: 1 },
      region: 1_000,
      rotation: [4, 2],
      sweep: { own: 200, other: 800 },
      pacing: {
        containers: [1, 10],
        rotations: 1,
        plans: 1,
        sweep: { retire: 0, delete: 0 },
        coTenantPerSecond: 4,
      },
    }
  : {
      synth: { consumers: 1_000, runs: 3 },
      plan: { consumers: 1_000, runs: 3 },
      region: CONSUMERS_PER_REGION,
      rotation: [10, 4],
      sweep: { own: MAX_CONSUMERS_PER_SHARD, other: 9_000 },
      pacing: {
        containers: [1, 5, 10, 20],
        rotations: 1,
        plans: 1,
        sweep: { retire: 1, delete: 1 },
        coTenantPerSecond: 4,
      },
    };
/** The rotation function's timeout as RotationService deploys it. */
const FUNCTION_TIMEOUT_SECONDS = 300;
/** Keys whose added calls are counted: in 1 plan with a quota; in 3 plans, 2 with a quota. */
const FEATURE_CASES: readonly FeatureCase[] = [
  { plans: 1, quotas: 1 },
  { plans: 3, quotas: 2 },
];
/** API Gateway calls a rotation may make: 2 + one per usage plan (bench consumers have one). */
const ROTATION_API_GATEWAY_CALLS = 2 + 1;
const isListCall = (action: string) =>
  /^apigateway\.Get\w+s$/.test(action) || action.startsWith('secretsmanager.List');
const callsWhere = (calls: CallCounts, keep: (action: string) => boolean) =>
  Object.entries(calls).reduce((sum, [action, n]) => sum + (keep(action) ? n : 0), 0);

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineInfo();
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  log(`${QUICK ? 'quick' : 'full'} run; building the lambda bundle and the synth child`);
  buildBench();
  const figures: Figure[] = [];

  const apps = synthBenchApps(SIZE.synth.consumers, SIZE.synth.runs, log);
  figures.push({
    name: `synth, ${SIZE.synth.consumers} consumers (median of ${SIZE.synth.runs})`,
    unit: 's',
    value: apps.keyplane.wallMs / 1000,
    baseline: apps.baseline.wallMs / 1000,
    baselineName: 'naive',
    target: { issue: 7, on: 'ratio', atMost: 1.25 },
  });
  const region = synthRegionApp(SIZE.region, log);
  const regionApp = `platform app, ${REGIONS.length * SIZE.region} consumers in ${REGIONS.length} regions (${region.stacks} shards)`;
  figures.push(
    {
      name: `synth, ${regionApp}`,
      unit: 's',
      value: region.wallMs / 1000,
      target: { issue: 16, on: 'value', atMost: 15 },
    },
    {
      name: `synth CPU time, ${regionApp}`,
      unit: 's',
      value: region.cpuMs / 1000,
      target: { issue: 16, on: 'value', atMost: 15 },
    },
    {
      name: `synth peak RSS, ${regionApp}`,
      unit: 'MiB',
      value: region.peakRssMiB,
      target: { issue: 16, on: 'value', atMost: 1024 },
    }
  );

  const plans =
    SIZE.plan.consumers === SIZE.synth.consumers
      ? apps
      : synthBenchApps(SIZE.plan.consumers, 1, log);
  log('starting a private moto for terraform plan');
  const aws = await startLocalAws({ isolated: true });
  try {
    const planned = planStacks(
      {
        keyplane: plans.keyplane.stackDir,
        baseline: plans.baseline.stackDir,
        shard: region.stackDir,
      },
      SIZE.plan.runs,
      aws.endpoint,
      log
    );
    const { keyplane, baseline, shard } = planned;
    const resources = `${keyplane.toAdd} against ${baseline.toAdd} resources`;
    const largest = `the largest shard of the ${regionApp} (${shard.toAdd} resources)`;
    const oneStack = `keyplane, ${SIZE.plan.consumers} consumers in one stack`;
    // CPU time beside wall time: on a shared machine it moves far less between runs.
    for (const [what, key] of [
      ['', 'wallMs'],
      [', CPU time', 'cpuMs'],
    ] as const) {
      figures.push(
        {
          name: `terraform plan${what}, ${SIZE.plan.consumers} consumers (${resources}, median of ${SIZE.plan.runs})`,
          unit: 's',
          value: keyplane[key] / 1000,
          baseline: baseline[key] / 1000,
          baselineName: 'naive',
          target: { issue: 16, on: 'ratio', atMost: 0.7 },
        },
        {
          name: `terraform plan${what}, ${largest}`,
          unit: 's',
          value: shard[key] / 1000,
          baseline: keyplane[key] / 1000,
          baselineName: oneStack,
          target: { issue: 16, on: 'ratio', atMost: 1 },
        }
      );
    }
  } finally {
    await aws.stop();
  }

  const [consumers, rotations] = SIZE.rotation;
  const cost = await runRotationCost(
    {
      consumers,
      rotationsPerConsumer: rotations,
      sweepKeys: SIZE.sweep.own,
      otherKeys: SIZE.sweep.other,
      usagePlans: 10,
      concurrency: 4,
    },
    log
  );
  const { regular, sweep } = cost;
  const perRotation = (keep: (action: string) => boolean) =>
    callsWhere(regular.calls, keep) / regular.rotations;
  const atQuotas = cost.atLimits.rotations[0];
  // Every rotation of the run at the quotas, the bootstrap ones included, as the bound.
  const rotationsPerSecond = (cost.bootstrap.rotations + regular.rotations) / atQuotas.seconds;
  figures.push(
    {
      name: `AWS calls per scheduled rotation (mean of ${regular.rotations}; bootstrap rotations apart)`,
      unit: 'calls',
      value: regular.perRotation,
    },
    {
      name: `AWS calls per quick rotation, right after the last (mean of ${cost.quick.rotations}): the live-key cap and key budget checks, against a scheduled one`,
      unit: 'calls',
      value: cost.quick.perRotation,
      baseline: regular.perRotation,
      baselineName: 'scheduled',
    },
    {
      name: 'list calls per quick rotation',
      unit: 'calls',
      value: callsWhere(cost.quick.calls, isListCall) / cost.quick.rotations,
    },
    {
      name: 'API Gateway calls per scheduled rotation, key in 1 plan',
      unit: 'calls',
      value: perRotation((a) => a.startsWith('apigateway.')),
      target: { issue: 16, on: 'value', atMost: ROTATION_API_GATEWAY_CALLS },
    },
    {
      name: 'list calls per scheduled rotation',
      unit: 'calls',
      value: perRotation(isListCall),
      target: { issue: 16, on: 'value', atMost: 0 },
    },
    {
      name: `sustained rotations per second at AWS's quotas (bound: ${atQuotas.limit})`,
      unit: '/s',
      value: rotationsPerSecond,
      target: { issue: 16, on: 'value', atLeast: 3.3 },
    },
    {
      name: `sweep of one shard (${sweep.keysExamined} keys its own) in a region of ${sweep.keys} keys: invocations`,
      unit: 'count',
      value: sweep.invocations,
      target: { issue: 16, on: 'value', atMost: 1 },
    },
    {
      name: `the same sweep: wall time on moto (node start included)`,
      unit: 's',
      value: sweep.durationMs / 1000,
      target: { issue: 16, on: 'value', atMost: FUNCTION_TIMEOUT_SECONDS },
    },
    {
      name: `the same sweep: list calls (of ${totalCalls(sweep.calls)} calls)`,
      unit: 'calls',
      value: callsWhere(sweep.calls, isListCall),
    }
  );

  log('counting the calls quota carry and traffic watch add');
  const featureCalls = await countFeatureCalls(FEATURE_CASES);
  for (const c of featureCalls) {
    const key = `key in ${c.plans} plan${c.plans > 1 ? 's' : ''} (${c.quotas} with a quota)`;
    for (const [what, calls] of [
      ['a rotation', c.rotation],
      ['a sweep (the outgoing key in its grace period)', c.sweep],
    ] as const) {
      const added = total(calls.on) - total(calls.off);
      figures.push({
        name: `AWS calls of ${what}, ${key}: quota carry and traffic watch on (+${added}) against off`,
        unit: 'calls',
        value: total(calls.on),
        baseline: total(calls.off),
        baselineName: 'off',
      });
    }
  }

  log('pacing containers against a stand-in of the account-wide API Gateway quota');
  const pacing = await runPacing(SIZE.pacing, log);
  figures.push(...pacingFigures(pacing));

  const totalSeconds = (Date.now() - started) / 1000;
  figures.push({
    name: `the whole bench${QUICK ? ' (--quick)' : ''}`,
    unit: 's',
    value: totalSeconds,
    target: { issue: 16, on: 'value', atMost: 600 },
  });

  const results = {
    machine: { ...machine, loadAverage: { ...machine.loadAverage, end: os.loadavg()[0] } },
    quick: QUICK,
    figures: figures.map((f) => ({ ...f, status: statusOf(f) })),
    rotationCost: cost,
    featureCalls,
    pacing,
  };
  const json = `${JSON.stringify(results, null, 2)}\n`;
  fs.writeFileSync(path.join(RESULTS_DIR, `${machine.date.replace(/[:.]/g, '-')}.json`), json);
  fs.writeFileSync(LATEST, json);
  await writeTables(results.machine, figures, pacingTable(pacing));
  log(`done in ${totalSeconds.toFixed(0)} s`);
}

/** Replaces `start`..`end` of `readme` with `content`. */
function between(readme: string, start: string, end: string, content: string): string {
  const [before, rest] = readme.split(start);
  const after = rest.split(end)[1];
  return `${before}${start}\n\n${content}\n\n${end}${after}`;
}

const markdownTable = (rows: string[][]) =>
  rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n');

/** Replaces the README's results table and pacing table (between their markers) with this run's. */
async function writeTables(
  machine: ReturnType<typeof machineInfo>,
  figures: Figure[],
  pacing: string[][]
) {
  const rows = [TABLE_HEADER, TABLE_HEADER.map(() => '---'), ...figures.map(figureRow)];
  const run = `${machine.date}${QUICK ? ', --quick' : ''}: ${machine.cores} x ${machine.cpu}, Node ${machine.node}, Terraform ${machine.terraform}, load average ${machine.loadAverage.start.toFixed(1)} at the start and ${machine.loadAverage.end?.toFixed(1)} at the end.`;
  let readme = fs.readFileSync(README, 'utf8');
  readme = between(
    readme,
    '<!-- results:start -->',
    '<!-- results:end -->',
    `${run}\n\n${markdownTable(rows)}`
  );
  readme = between(readme, '<!-- pacing:start -->', '<!-- pacing:end -->', markdownTable(pacing));
  const options = (await prettier.resolveConfig(README)) ?? {};
  fs.writeFileSync(README, await prettier.format(readme, { ...options, parser: 'markdown' }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
