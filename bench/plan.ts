/**
 * Part 2, Terraform at scale: `terraform plan -refresh=false` on each app's synthesized output,
 * keyplane and baseline interleaved. keyplane's stack reads aws_caller_identity, which calls
 * STS even without refresh, so the endpoints point at a local moto rather than a closed port
 * (a closed port makes the provider retry for over a minute and then fail).
 */
import { AppKind } from './apps';
import { Summary, summarize } from './stats';
import { planCounts, pointProviderAt, terraform, terraformInit } from './terraform';

export interface PlanTarget {
  readonly app: AppKind;
  readonly consumers: number;
  readonly stackDir: string;
}

export interface PlanMeasure {
  readonly app: AppKind;
  readonly consumers: number;
  readonly wallMs: Summary;
  /** Peak RSS of terraform and the provider (GNU time), MiB. */
  readonly peakRssMiB?: Summary;
  /** Resources the plan adds. */
  readonly toAdd: number;
  /** `terraform init` from the local mirror, once, not part of the comparison. */
  readonly initMs: number;
}

export const PLAN_ARGS = ['plan', '-refresh=false', '-lock=false', '-input=false'];

/** Plans every target `runs` times; targets of one size are interleaved run by run. */
export function runPlans(
  targets: readonly PlanTarget[],
  runs: number,
  endpoint: string,
  log: (line: string) => void
): PlanMeasure[] {
  const initMs = new Map<PlanTarget, number>();
  for (const target of targets) {
    pointProviderAt(target.stackDir, endpoint);
    initMs.set(target, terraformInit(target.stackDir));
  }
  const samples = new Map<PlanTarget, { wallMs: number; rssKiB?: number; toAdd: number }[]>(
    targets.map((t) => [t, []])
  );
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const measured = terraform(target.stackDir, PLAN_ARGS);
      const { add } = planCounts(measured.stdout);
      samples
        .get(target)!
        .push({ wallMs: measured.wallMs, rssKiB: measured.maxRssKiB, toAdd: add });
      log(
        `plan ${target.app} ${target.consumers} run ${run + 1}/${runs}: ${Math.round(measured.wallMs)} ms, ${add} to add`
      );
    }
  }
  return targets.map((target) => {
    const s = samples.get(target)!;
    const rss = s.map((x) => x.rssKiB).filter((x): x is number => x !== undefined);
    return {
      app: target.app,
      consumers: target.consumers,
      wallMs: summarize(s.map((x) => x.wallMs)),
      peakRssMiB: rss.length === s.length ? summarize(rss.map((x) => x / 1024)) : undefined,
      toAdd: s[0].toAdd,
      initMs: initMs.get(target)!,
    };
  });
}
