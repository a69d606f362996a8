/**
 * Part 2, apply and destroy against moto: `terraform apply` then `terraform destroy` of each
 * app's synthesized output, keyplane and baseline interleaved (order alternated), every run on
 * a freshly reset emulator with a fresh state file.
 *
 * What a run includes besides creating and deleting resources: on both apps each
 * aws_secretsmanager_secret_rotation calls RotateSecret, which on the harness runs the
 * rotation function with node before the call returns (on AWS the rotation runs after the
 * call, asynchronously). keyplane's four steps issue each consumer's first key; the baseline's
 * secrets are not keyplane's (no keyplane tags, a value written by Terraform), so the same
 * function refuses them at its first step. keyplane's apply also invokes its teardown once
 * (aws_lambda_invocation; nothing to do on create) and its destroy invokes it again, to delete
 * the keys the function issued (paced under API Gateway's DeleteApiKey quota of 5 a second).
 * The function's runs are counted from the harness's Lambda log, with their summed duration.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { LocalAws } from '../scripts/local-aws';
import type { PlanTarget } from './plan';
import { Summary, summarize } from './stats';
import { pointProviderAt, terraform, terraformInit } from './terraform';

/** The rotation function's runs in one apply or destroy, from the harness's Lambda log. */
export interface FunctionRuns {
  readonly runs: number;
  /** Sum of the runs' durations (they overlap: Terraform creates up to 10 things at once). */
  readonly totalMs: number;
}

export interface ApplySample {
  /** `terraform apply -auto-approve` on an empty emulator, in ms. */
  readonly applyMs: number;
  /** `terraform destroy -auto-approve` right after it, in ms. */
  readonly destroyMs: number;
  readonly added: number;
  readonly destroyed: number;
  readonly applyFunction: FunctionRuns;
  readonly destroyFunction: FunctionRuns;
}

export interface ApplyMeasure {
  readonly app: PlanTarget['app'];
  readonly consumers: number;
  /** Runs that completed; absent when none did. */
  readonly applyMs?: Summary;
  readonly destroyMs?: Summary;
  readonly samples: readonly ApplySample[];
  /** Why runs failed (first line of terraform's error), one entry per failed run. */
  readonly failures: readonly string[];
}

const COMMON = ['-auto-approve', '-input=false', '-lock=false'];

/** "Apply complete! Resources: N added" / "Destroy complete! Resources: N destroyed". */
function completed(stdout: string, verb: 'added' | 'destroyed'): number {
  const match = new RegExp(`Resources: (\\d+) ${verb}`).exec(stdout);
  if (!match) throw new Error(`no "Resources: N ${verb}" in terraform output`);
  return Number(match[1]);
}

function removeState(stackDir: string): void {
  for (const file of fs.readdirSync(stackDir)) {
    if (file.startsWith('terraform.tfstate')) fs.rmSync(path.join(stackDir, file));
  }
}

/** Reads what the harness appended to the Lambda logs since `from` (bytes per file). */
class FunctionLog {
  private offsets = new Map<string, number>();

  constructor(private readonly dir: string | undefined) {
    this.mark();
  }

  /** Remembers where every log ends now. */
  mark(): void {
    for (const file of this.files()) this.offsets.set(file, fs.statSync(file).size);
  }

  /** Runs reported (platform.report lines) since the last mark, and their summed duration. */
  since(): FunctionRuns {
    let runs = 0;
    let totalMs = 0;
    for (const file of this.files()) {
      const text = fs
        .readFileSync(file)
        .subarray(this.offsets.get(file) ?? 0)
        .toString('utf8');
      for (const match of text.matchAll(/"type": "platform\.report".*"durationMs": ([\d.]+)/g)) {
        runs++;
        totalMs += Number(match[1]);
      }
    }
    this.mark();
    return { runs, totalMs };
  }

  private files(): string[] {
    if (!this.dir || !fs.existsSync(this.dir)) return [];
    return fs.readdirSync(this.dir).map((f) => path.join(this.dir!, f));
  }
}

/** The first line of terraform's error output in a failed run's message. */
function firstError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return /^Error: .*$/m.exec(text)?.[0].slice(0, 300) ?? text.split('\n')[0].slice(0, 300);
}

/** One apply and destroy of `target` on a freshly reset emulator. */
async function applyAndDestroy(
  target: PlanTarget,
  aws: LocalAws,
  functionLog: FunctionLog
): Promise<ApplySample> {
  await aws.reset();
  removeState(target.stackDir);
  functionLog.mark();
  const apply = terraform(target.stackDir, ['apply', ...COMMON]);
  const applyFunction = functionLog.since();
  const destroy = terraform(target.stackDir, ['destroy', ...COMMON]);
  return {
    applyMs: apply.wallMs,
    destroyMs: destroy.wallMs,
    added: completed(apply.stdout, 'added'),
    destroyed: completed(destroy.stdout, 'destroyed'),
    applyFunction,
    destroyFunction: functionLog.since(),
  };
}

/** Applies and destroys every target `runs` times on `aws`, reset before each run. */
export async function runApplyDestroy(
  targets: readonly PlanTarget[],
  runs: number,
  aws: LocalAws,
  log: (line: string) => void
): Promise<ApplyMeasure[]> {
  for (const target of targets) {
    pointProviderAt(target.stackDir, aws.endpoint);
    terraformInit(target.stackDir);
  }
  const samples = new Map<PlanTarget, ApplySample[]>(targets.map((t) => [t, []]));
  const failures = new Map<PlanTarget, string[]>(targets.map((t) => [t, []]));
  const functionLog = new FunctionLog(aws.logDir);
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const label = `apply/destroy ${target.app} ${target.consumers} run ${run + 1}/${runs}`;
      // A failed run is recorded and tried once more, so one flake does not lose the figure.
      let sample: ApplySample | undefined;
      for (let attempt = 1; attempt <= 2 && !sample; attempt++) {
        sample = await applyAndDestroy(target, aws, functionLog).catch((error: unknown) => {
          failures.get(target)!.push(firstError(error));
          log(`${label} attempt ${attempt} failed: ${firstError(error)}`);
          return undefined;
        });
      }
      if (!sample) continue;
      samples.get(target)!.push(sample);
      log(
        `${label}: apply ${Math.round(sample.applyMs)} ms (${sample.added} added, ` +
          `${sample.applyFunction.runs} function runs), destroy ${Math.round(sample.destroyMs)} ms ` +
          `(${sample.destroyed} destroyed, ${sample.destroyFunction.runs} function runs)`
      );
    }
  }
  return targets.map((target) => {
    const s = samples.get(target)!;
    return {
      app: target.app,
      consumers: target.consumers,
      applyMs: s.length > 0 ? summarize(s.map((x) => x.applyMs)) : undefined,
      destroyMs: s.length > 0 ? summarize(s.map((x) => x.destroyMs)) : undefined,
      samples: s,
      failures: failures.get(target)!,
    };
  });
}
