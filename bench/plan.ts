/**
 * `terraform plan -refresh=false` of synthesized stacks, runs interleaved (their order
 * alternated) so machine noise hits all alike. keyplane's stacks read aws_caller_identity,
 * which calls STS even without refresh, so the endpoints point at a local moto rather than a
 * closed port (there the provider retries for over a minute, then fails).
 */
import { median } from './stats';
import { planCounts, pointProviderAt, terraform, terraformInit } from './terraform';

export interface PlanMeasure {
  /** Median wall time, ms. */
  readonly wallMs: number;
  /** Median CPU time of terraform and the provider, ms. */
  readonly cpuMs: number;
  /** Resources the plan adds. */
  readonly toAdd: number;
}

export const PLAN_ARGS = ['plan', '-refresh=false', '-lock=false', '-input=false'];

/** Plans each stack folder (by name) `runs` times, after one untimed `terraform init`. */
export function planStacks<Name extends string>(
  stackDirs: Record<Name, string>,
  runs: number,
  endpoint: string,
  log: (line: string) => void
): Record<Name, PlanMeasure> {
  const names = Object.keys(stackDirs) as Name[];
  for (const name of names) {
    pointProviderAt(stackDirs[name], endpoint);
    terraformInit(stackDirs[name]);
  }
  const samples = new Map<Name, { wallMs: number; cpuMs: number; toAdd: number }[]>(
    names.map((n) => [n, []])
  );
  for (let run = 0; run < runs; run++) {
    for (const name of run % 2 === 0 ? names : [...names].reverse()) {
      const measured = terraform(stackDirs[name], PLAN_ARGS);
      const toAdd = planCounts(measured.stdout).add;
      samples.get(name)!.push({ wallMs: measured.wallMs, cpuMs: measured.cpuMs ?? NaN, toAdd });
      log(
        `plan ${name}: ${(measured.wallMs / 1000).toFixed(1)} s (CPU ${((measured.cpuMs ?? NaN) / 1000).toFixed(1)} s), ${toAdd} to add`
      );
    }
  }
  const result = {} as Record<Name, PlanMeasure>;
  for (const name of names) {
    const s = samples.get(name)!;
    result[name] = {
      wallMs: median(s.map((x) => x.wallMs)),
      cpuMs: median(s.map((x) => x.cpuMs)),
      toAdd: s[0].toAdd,
    };
  }
  return result;
}
