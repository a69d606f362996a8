/**
 * Turns one run's results into bench/README.md: every figure beside its target and its
 * baseline, the machine it ran on, and a closing note with the headline numbers.
 */
import type { ApplyMeasure } from './apply';
import { AppKind } from './apps';
import type { LambdaMeasure } from './lambda';
import type { PlanMeasure } from './plan';
import type { BenchResults } from './results';
import { rotationSection } from './rotation-report';
import { median, ratio, type Summary } from './stats';
import type { SynthMeasure } from './synth';

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const times = (value: number) => `${value.toFixed(2)}x`;
export const verdict = (met: boolean) => (met ? 'met' : '**missed**');

export interface Row {
  readonly figure: string;
  readonly keyplane: string;
  readonly baseline: string;
  readonly ratio?: string;
  readonly target: string;
  readonly met?: boolean;
}

export function table(rows: readonly Row[]): string {
  const lines = [
    '| figure | keyplane | baseline | keyplane / baseline | target | |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.figure} | ${r.keyplane} | ${r.baseline} | ${r.ratio ?? ''} | ${r.target} | ${r.met === undefined ? '' : verdict(r.met)} |`
    ),
  ];
  return lines.join('\n');
}

function pick<T extends { app: AppKind; consumers: number }>(
  all: readonly T[],
  app: AppKind,
  consumers: number
): T {
  const found = all.find((m) => m.app === app && m.consumers === consumers);
  if (!found) throw new Error(`no result for ${app} at ${consumers} consumers`);
  return found;
}

/** Terraform resources added per consumer, and the fixed rest, from the smallest and largest size. */
export function resourcesPerConsumer(synth: readonly SynthMeasure[], app: AppKind) {
  const sizes = synth.filter((m) => m.app === app).sort((a, b) => a.consumers - b.consumers);
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const perConsumer = (large.resources - small.resources) / (large.consumers - small.consumers);
  return { perConsumer, fixed: small.resources - perConsumer * small.consumers };
}

function synthSection(results: BenchResults): { text: string; headline: string[] } {
  const { synth, synthSizes } = results;
  const rows: Row[] = [];
  for (const { consumers, runs } of synthSizes) {
    const k = pick(synth, 'keyplane', consumers);
    const b = pick(synth, 'baseline', consumers);
    const r = ratio(k.wallMs.median, b.wallMs.median);
    rows.push({
      figure: `synth wall time, ${consumers} consumers (median of ${runs})`,
      keyplane: seconds(k.wallMs.median),
      baseline: seconds(b.wallMs.median),
      ratio: times(r),
      target: '<= 1.25x baseline',
      met: r <= 1.25,
    });
  }
  const largest = synthSizes[synthSizes.length - 1].consumers;
  const kLarge = pick(synth, 'keyplane', largest);
  const bLarge = pick(synth, 'baseline', largest);
  rows.push({
    figure: `synth wall time, ${largest} consumers, absolute`,
    keyplane: seconds(kLarge.wallMs.median),
    baseline: seconds(bLarge.wallMs.median),
    target: '< 5 s',
    met: kLarge.wallMs.median < 5_000,
  });
  for (const { consumers } of synthSizes) {
    const k = pick(synth, 'keyplane', consumers);
    const b = pick(synth, 'baseline', consumers);
    const last = consumers === largest;
    rows.push({
      figure: `synth peak RSS, ${consumers} consumers`,
      keyplane: mib(k.peakRssMiB.median),
      baseline: mib(b.peakRssMiB.median),
      ratio: times(ratio(k.peakRssMiB.median, b.peakRssMiB.median)),
      target: last ? '< 512 MiB' : '-',
      met: last ? k.peakRssMiB.median < 512 : undefined,
    });
  }
  const growth = (app: AppKind) =>
    pick(synth, app, largest).wallMs.median / pick(synth, app, 100).wallMs.median;
  rows.push({
    figure: `synth time growth, 100 -> ${largest} consumers`,
    keyplane: times(growth('keyplane')),
    baseline: times(growth('baseline')),
    target: '<= 12x',
    met: growth('keyplane') <= 12,
  });
  const kRes = resourcesPerConsumer(synth, 'keyplane');
  const bRes = resourcesPerConsumer(synth, 'baseline');
  rows.push({
    figure: 'Terraform resources per consumer',
    keyplane: kRes.perConsumer.toFixed(2),
    baseline: bRes.perConsumer.toFixed(2),
    ratio: times(ratio(kRes.perConsumer, bRes.perConsumer)),
    target: '<= 3 (baseline 5)',
    met: kRes.perConsumer <= 3,
  });
  rows.push({
    figure: 'fixed Terraform resources (+ data sources)',
    keyplane: `${kRes.fixed.toFixed(0)} (+${kLarge.dataSources})`,
    baseline: `${bRes.fixed.toFixed(0)} (+${bLarge.dataSources})`,
    target: '-',
  });
  for (const { consumers } of synthSizes) {
    const k = pick(synth, 'keyplane', consumers);
    const b = pick(synth, 'baseline', consumers);
    rows.push({
      figure: `synthesized JSON, ${consumers} consumers`,
      keyplane: kib(k.jsonBytes),
      baseline: kib(b.jsonBytes),
      ratio: times(ratio(k.jsonBytes, b.jsonBytes)),
      target: '-',
    });
  }
  const phases = [
    '| app | consumers | Node start + module load | construct tree | app.synth() |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...synth.map(
      (m) =>
        `| ${m.app} | ${m.consumers} | ${seconds(m.phasesMs.load)} | ${seconds(m.phasesMs.construct)} | ${seconds(m.phasesMs.synth)} |`
    ),
  ].join('\n');
  const text = [
    '## 1. Synth at scale',
    '',
    table(rows),
    '',
    'Where the time goes inside the synth process (medians):',
    '',
    phases,
  ].join('\n');
  const headline = [
    `synth of ${largest} consumers: ${seconds(kLarge.wallMs.median)} and ${mib(kLarge.peakRssMiB.median)} (baseline ${seconds(bLarge.wallMs.median)}, ${times(ratio(kLarge.wallMs.median, bLarge.wallMs.median))})`,
    `${kRes.perConsumer.toFixed(0)} Terraform resources per consumer (baseline ${bRes.perConsumer.toFixed(0)})`,
  ];
  return { text, headline };
}

function planSection(results: BenchResults): { text: string; headline: string[] } {
  const { plan, planRuns } = results;
  const sizes = Object.keys(planRuns)
    .map(Number)
    .sort((a, b) => a - b);
  const rows: Row[] = sizes.map((consumers) => {
    const k = pick<PlanMeasure>(plan, 'keyplane', consumers);
    const b = pick<PlanMeasure>(plan, 'baseline', consumers);
    const r = ratio(k.wallMs.median, b.wallMs.median);
    const runs = planRuns[consumers];
    return {
      figure: `terraform plan, ${consumers} consumers (${runs === 1 ? '1 run' : `median of ${runs}`})`,
      keyplane: seconds(k.wallMs.median),
      baseline: seconds(b.wallMs.median),
      ratio: times(r),
      target: '<= 0.7x baseline',
      met: r <= 0.7,
    };
  });
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const marginal = (app: AppKind) =>
    (pick(plan, app, large).wallMs.median - pick(plan, app, small).wallMs.median) / (large - small);
  rows.push({
    figure: `plan time per added consumer (${small} -> ${large})`,
    keyplane: `${marginal('keyplane').toFixed(1)} ms`,
    baseline: `${marginal('baseline').toFixed(1)} ms`,
    ratio: times(ratio(marginal('keyplane'), marginal('baseline'))),
    target: '-',
  });
  // The straight line through both sizes, taken back to no consumers: what every plan pays
  // before its first consumer (Terraform and the provider starting, schemas, fixed resources).
  const fixed = (app: AppKind) => pick(plan, app, small).wallMs.median - small * marginal(app);
  rows.push({
    figure: `plan time at no consumers (the line through ${small} and ${large}, taken back to 0)`,
    keyplane: seconds(fixed('keyplane')),
    baseline: seconds(fixed('baseline')),
    ratio: times(ratio(fixed('keyplane'), fixed('baseline'))),
    target: '-',
  });
  for (const consumers of sizes) {
    const k = pick(plan, 'keyplane', consumers);
    const b = pick(plan, 'baseline', consumers);
    rows.push({
      figure: `resources to add, ${consumers} consumers`,
      keyplane: String(k.toAdd),
      baseline: String(b.toAdd),
      target: '-',
    });
    if (k.peakRssMiB && b.peakRssMiB) {
      rows.push({
        figure: `plan peak RSS (terraform or provider), ${consumers} consumers`,
        keyplane: mib(k.peakRssMiB.median),
        baseline: mib(b.peakRssMiB.median),
        target: '-',
      });
    }
  }
  const apply = applyRows(results);
  rows.push(...apply.rows);
  const kLarge = pick(plan, 'keyplane', large);
  const bLarge = pick(plan, 'baseline', large);
  return {
    text: ['## 2. Terraform at scale', '', table(rows), ...apply.notes].join('\n'),
    headline: [
      `terraform plan of ${large} consumers: ${seconds(kLarge.wallMs.median)} vs ${seconds(bLarge.wallMs.median)} (${times(ratio(kLarge.wallMs.median, bLarge.wallMs.median))}, target <= 0.7x)`,
      apply.headline,
    ],
  };
}

/** Apply and destroy against moto: one row each, the function's runs, and any failures. */
function applyRows(results: BenchResults): { rows: Row[]; notes: string[]; headline: string } {
  const measured = results.apply ?? [];
  if (measured.length === 0) {
    return {
      rows: [
        {
          figure: 'apply and destroy against moto',
          keyplane: 'not measured',
          baseline: 'not measured',
          target: 'measured',
          met: false,
        },
      ],
      notes: [],
      headline: 'apply and destroy against moto: not measured in this run',
    };
  }
  const consumers = measured[0].consumers;
  const k = pick(measured, 'keyplane', consumers);
  const b = pick(measured, 'baseline', consumers);
  const runs = results.applyRuns ?? 1;
  const of = runs === 1 ? '1 run' : `median of ${runs}`;
  const time = (s?: Summary) => (s ? seconds(s.median) : 'failed');
  const both = (field: 'applyMs' | 'destroyMs') => {
    const [ks, bs] = [k[field], b[field]];
    return ks && bs ? times(ratio(ks.median, bs.median)) : undefined;
  };
  const functionRuns = (m: ApplyMeasure, field: 'applyFunction' | 'destroyFunction') => {
    const s = m.samples.map((x) => x[field]);
    if (s.length === 0) return '-';
    const runsMedian = median(s.map((x) => x.runs));
    return `${runsMedian.toFixed(0)} (${seconds(median(s.map((x) => x.totalMs)))})`;
  };
  const rows: Row[] = [
    {
      figure: `terraform apply against moto, ${consumers} consumers (${of}; includes the synchronous rotations, see below)`,
      keyplane: time(k.applyMs),
      baseline: time(b.applyMs),
      ratio: both('applyMs'),
      target: 'measured',
      met: k.applyMs !== undefined && b.applyMs !== undefined,
    },
    {
      figure: `terraform destroy against moto, ${consumers} consumers (${of}; keyplane's includes the teardown)`,
      keyplane: time(k.destroyMs),
      baseline: time(b.destroyMs),
      ratio: both('destroyMs'),
      target: 'measured',
      met: k.destroyMs !== undefined && b.destroyMs !== undefined,
    },
    {
      figure: 'rotation function runs during apply (summed run time)',
      keyplane: functionRuns(k, 'applyFunction'),
      baseline: functionRuns(b, 'applyFunction'),
      target: '-',
    },
    {
      figure: 'rotation function runs during destroy (summed run time)',
      keyplane: functionRuns(k, 'destroyFunction'),
      baseline: functionRuns(b, 'destroyFunction'),
      target: '-',
    },
  ];
  const failures = measured.flatMap((m) => m.failures.map((f) => `- ${m.app}: ${f}`));
  const notes = [
    '',
    'Apply and destroy run on a private moto reset before each run (fresh state file).',
    "On the harness RotateSecret runs the rotation function's steps before it returns (on AWS",
    'they run after it, asynchronously), so each apply includes a rotation per consumer:',
    "keyplane's four steps issue the consumer's first key; the baseline's secrets are not",
    "keyplane's, so the same function refuses them at its first step. On AWS keyplane's apply",
    "would return without waiting for them. keyplane's destroy includes its teardown, which",
    'deletes the issued keys paced under the DeleteApiKey quota (5 a second).',
    ...(failures.length > 0 ? ['', 'Failed runs:', '', ...failures] : []),
  ];
  const headline =
    k.applyMs && b.applyMs && k.destroyMs && b.destroyMs
      ? `apply against moto, ${consumers} consumers: ${seconds(k.applyMs.median)} vs ${seconds(b.applyMs.median)} (${both('applyMs')}; keyplane's includes ${functionRuns(k, 'applyFunction').split(' ')[0]} rotation-function runs); destroy ${seconds(k.destroyMs.median)} vs ${seconds(b.destroyMs.median)} (${both('destroyMs')})`
      : `apply and destroy against moto, ${consumers} consumers: ${failures.length} run(s) failed (see part 2)`;
  return { rows, notes, headline };
}

function lambdaSection(results: BenchResults): { text: string; headline: string[] } {
  const k = results.lambda.find((m) => m.bundle === 'keyplane') as LambdaMeasure;
  const n = results.lambda.find((m) => m.bundle === 'naive') as LambdaMeasure;
  const sizeRow = (figure: string, field: 'rawBytes' | 'zippedBytes' | 'deployZipBytes'): Row => ({
    figure,
    keyplane: kib(k[field]),
    baseline: kib(n[field]),
    ratio: times(ratio(k[field], n[field])),
    target: 'smaller than baseline',
    met: k[field] < n[field],
  });
  const msRow = (figure: string, kMs: number, nMs: number, target = '-'): Row => ({
    figure,
    keyplane: `${kMs.toFixed(0)} ms`,
    baseline: `${nMs.toFixed(0)} ms`,
    ratio: times(ratio(kMs, nMs)),
    target,
    met: target === '-' ? undefined : kMs <= nMs,
  });
  const rows: Row[] = [
    sizeRow('bundle index.js, raw', 'rawBytes'),
    sizeRow('bundle index.js, zipped', 'zippedBytes'),
    sizeRow('deployed zip (index.js + source map)', 'deployZipBytes'),
    msRow(
      `cold init: require + first invocation set-up (median of ${results.lambdaRuns})`,
      k.coldInitMs.median,
      n.coldInitMs.median,
      'not slower than baseline'
    ),
    msRow('of which require() of the bundle', k.requireMs, n.requireMs),
    msRow('of which first invocation set-up', k.firstInvocationMs, n.firstInvocationMs),
    msRow('whole node process, from outside', k.processWallMs, n.processWallMs),
  ];
  return {
    text: ['## 4. The rotation Lambda', '', table(rows)].join('\n'),
    headline: [
      `Lambda bundle ${kib(k.rawBytes)} raw / ${kib(k.zippedBytes)} zipped (naive ${kib(n.rawBytes)} / ${kib(n.zippedBytes)}), cold init ${k.coldInitMs.median.toFixed(0)} ms (naive ${n.coldInitMs.median.toFixed(0)} ms)`,
    ],
  };
}

export function renderReadme(results: BenchResults, method: string): string {
  const m = results.machine;
  const synth = synthSection(results);
  const plan = planSection(results);
  const lambda = lambdaSection(results);
  const rotation = rotationSection(results.rotationCost);
  return [
    '# keyplane bench',
    '',
    'How keyplane scales, against the naive design written by hand (issue 7). Run it with',
    '`npm run bench`; it writes bench/results/*.json (git-ignored) and this file.',
    '',
    `Last run: ${m.date}, ${m.cores} x ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, Terraform ${m.terraform}; ` +
      `1-minute load average ${m.loadAverage.start.toFixed(1)} at the start and ${m.loadAverage.end?.toFixed(1) ?? '?'} at the end ` +
      `(other work shared the machine). The whole bench took ${results.totalSeconds.toFixed(0)} s.`,
    '',
    'Every ratio compares figures taken in the same run, keyplane and baseline runs interleaved.',
    '',
    synth.text,
    '',
    plan.text,
    '',
    rotation.text,
    '',
    lambda.text,
    '',
    method,
    '',
    '## Closing note',
    '',
    ...[...synth.headline, ...plan.headline, ...rotation.headline, ...lambda.headline].map(
      (line) => `- ${line}`
    ),
    '',
  ].join('\n');
}
