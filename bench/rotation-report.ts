/** bench/README.md's part 3: rotation cost, from a RotationCostMeasure. */
import { totalCalls, type CallCounts } from '../scripts/local-aws/aws-proxy';
import { RATE_LIMITS } from './rate-limits';
import { seconds, table, type Row } from './report';
import type { RotationCostMeasure } from './rotation-cost';

const NO_BASELINE = 'n/a';
const LIST_ACTIONS = [
  'secretsmanager.ListSecrets',
  'apigateway.GetApiKeys',
  'apigateway.GetUsagePlans',
  'apigateway.GetUsagePlanKeys',
];
const MUTATING = /\.(Create|Delete|Update|Put|Tag|Untag)/;

const count = (calls: CallCounts, action: string) => calls[action] ?? 0;
const sumOf = (calls: CallCounts, pick: (action: string) => boolean) =>
  Object.entries(calls)
    .filter(([action]) => pick(action))
    .reduce((sum, [, n]) => sum + n, 0);
const perRotation = (n: number, rotations: number) =>
  Number.isInteger(n / rotations) ? String(n / rotations) : (n / rotations).toFixed(2);

/** Rotations per second AWS's quotas allow at this mix of calls per rotation. */
function sustainedRate(calls: CallCounts, rotations: number) {
  const bounds = RATE_LIMITS.map((limit) => {
    const perOne = sumOf(calls, limit.covers) / rotations;
    return { limit: limit.name, rate: perOne > 0 ? limit.perSecond / perOne : Infinity };
  }).sort((a, b) => a.rate - b.rate);
  return bounds[0];
}

export function rotationSection(m: RotationCostMeasure | undefined): {
  text: string;
  headline: string[];
} {
  if (!m) {
    return {
      text: '## 3. Rotation cost\n\nNot measured in this run.',
      headline: ['rotation cost: not measured in this run'],
    };
  }
  const { size, bootstrap, regular, sweep } = m;
  const rotations = bootstrap.rotations + regular.rotations;
  const sweepLists = sumOf(sweep.calls, (a) => LIST_ACTIONS.includes(a));
  const sweepMutating = sumOf(sweep.calls, (a) => MUTATING.test(a));
  const keyPages = count(sweep.calls, 'apigateway.GetApiKeys');
  const keyPagesTarget = Math.ceil(sweep.keys / 500);
  const [rotationBound] = m.atLimits.rotations;
  const [sweepBound] = m.atLimits.sweep;
  const steadyRate = sustainedRate(regular.calls, regular.rotations);
  const rows: Row[] = [
    {
      figure: `AWS API calls per rotation (mean of ${regular.rotations}; new key, old one tagged to retire)`,
      keyplane: regular.perRotation.toFixed(2),
      baseline: NO_BASELINE,
      target: '<= 12',
      met: regular.perRotation <= 12,
    },
    {
      figure: `AWS API calls per first (bootstrap) rotation (mean of ${bootstrap.rotations})`,
      keyplane: bootstrap.perRotation.toFixed(2),
      baseline: NO_BASELINE,
      target: '<= 12',
      met: bootstrap.perRotation <= 12,
    },
    {
      figure: `GetApiKeys pages per sweep over ${sweep.keys} keys (500 a page)`,
      keyplane: String(keyPages),
      baseline: NO_BASELINE,
      target: `of order N/500 (${keyPagesTarget})`,
      met: keyPages <= keyPagesTarget,
    },
    {
      figure: `all list calls per sweep over ${sweep.keys} keys (${size.usagePlans} plans)`,
      keyplane: String(sweepLists),
      baseline: NO_BASELINE,
      target: '-',
    },
    {
      figure: `all AWS API calls per sweep over ${sweep.keys} keys, nothing due (of which mutating)`,
      keyplane: `${totalCalls(sweep.calls)} (${sweepMutating})`,
      baseline: NO_BASELINE,
      target: '-',
    },
    {
      figure: `sweep wall time against moto, ${sweep.keys} keys (${sweep.invocations} invocation${sweep.invocations === 1 ? '' : 's'}, node start included)`,
      keyplane: seconds(sweep.durationMs),
      baseline: NO_BASELINE,
      target: '-',
    },
    {
      figure: `wall time of ${rotations} rotations against moto (${size.consumers} consumers x ${size.rotationsPerConsumer}, ${size.concurrency} at once)`,
      keyplane: seconds(m.totalRotationMs),
      baseline: NO_BASELINE,
      target: 'measured',
      met: true,
    },
    {
      figure: 'wall time per rotation against moto, median (4 steps, 4 node cold starts)',
      keyplane: seconds(m.rotationMs.median),
      baseline: NO_BASELINE,
      target: '-',
    },
    {
      figure: `least time of the same ${rotations} rotations at AWS's quotas (bound: ${rotationBound.limit})`,
      keyplane: seconds(rotationBound.seconds * 1000),
      baseline: NO_BASELINE,
      target: 'measured',
      met: true,
    },
    {
      figure: `sustained rotations per second at AWS's quotas (bound: ${steadyRate.limit})`,
      keyplane: steadyRate.rate.toFixed(2),
      baseline: NO_BASELINE,
      target: '-',
    },
    {
      figure: `least time of the ${sweep.keys}-key sweep at AWS's quotas (bound: ${sweepBound.limit})`,
      keyplane: seconds(sweepBound.seconds * 1000),
      baseline: NO_BASELINE,
      target: '-',
    },
  ];

  const actions = [
    ...new Set([
      ...Object.keys(bootstrap.calls),
      ...Object.keys(regular.calls),
      ...Object.keys(sweep.calls),
    ]),
  ].sort();
  const quotaOf = (action: string) =>
    RATE_LIMITS.filter((l) => l.covers(action))
      .map((l) => `${l.perSecond}/s${l.name.includes('total') ? ' (all API Gateway)' : ''}`)
      .join(', ') || 'not priced';
  const breakdown = [
    `| action | per bootstrap rotation | per rotation | per sweep of ${sweep.keys} keys | AWS quota |`,
    '| --- | ---: | ---: | ---: | --- |',
    ...actions.map(
      (a) =>
        `| ${a} | ${perRotation(count(bootstrap.calls, a), bootstrap.rotations)} | ${perRotation(count(regular.calls, a), regular.rotations)} | ${count(sweep.calls, a)} | ${quotaOf(a)} |`
    ),
    `| **total** | ${bootstrap.perRotation.toFixed(2)} | ${regular.perRotation.toFixed(2)} | ${totalCalls(sweep.calls)} | |`,
  ].join('\n');
  const quotaRows = RATE_LIMITS.map((limit) => {
    const r = m.atLimits.rotations.find((t) => t.limit === limit.name);
    const s = m.atLimits.sweep.find((t) => t.limit === limit.name);
    return `| ${limit.name} | ${limit.perSecond}/s | ${r?.calls ?? 0} | ${r ? seconds(r.seconds * 1000) : '-'} | ${s?.calls ?? 0} | ${s ? seconds(s.seconds * 1000) : '-'} |`;
  });
  const quotas = [
    `| quota (per account and Region) | rate | calls, ${rotations} rotations | time | calls, sweep | time |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...quotaRows,
  ].join('\n');
  const sources = [...new Set(RATE_LIMITS.map((l) => l.source))].map((s) => `- ${s}`).join('\n');
  const uncovered = m.atLimits.uncovered.length
    ? `Not priced (no quota for it is named here): ${m.atLimits.uncovered.join(', ')}.`
    : '';

  const text = [
    '## 3. Rotation cost',
    '',
    table(rows),
    '',
    "Calls by action, as counted at the proxy in front of moto (the function's calls only):",
    '',
    breakdown,
    '',
    "The same calls priced at AWS's published request-rate quotas (least time = calls / rate; the",
    'largest of these bounds the work; burst allowances left out):',
    '',
    quotas,
    '',
    'Quotas as published in:',
    '',
    sources,
    '',
    uncovered,
  ].join('\n');
  const headline = [
    `rotation: ${regular.perRotation.toFixed(2)} AWS calls (bootstrap ${bootstrap.perRotation.toFixed(2)}; target <= 12); sweep over ${sweep.keys} keys: ${sweepLists} list calls (${keyPages} GetApiKeys pages), ${totalCalls(sweep.calls)} calls in all`,
    `${rotations} rotations: ${seconds(m.totalRotationMs)} on moto (median ${seconds(m.rotationMs.median)} each); at least ${seconds(rotationBound.seconds * 1000)} at AWS's quotas (${rotationBound.limit}), ${steadyRate.rate.toFixed(2)} rotations/s sustained`,
  ];
  return { text, headline };
}
