/**
 * Part 1, synth at scale: each app at each size synthesized in a fresh process, keyplane and
 * baseline runs interleaved (and their order alternated) so machine noise hits both alike.
 */
import * as fs from 'fs';
import * as path from 'path';
import { APP_KINDS, AppKind } from './apps';
import { STACK_NAME } from './apps/offline-provider';
import { measure } from './child-process';
import { SYNTH_CHILD, WORK_DIR } from './paths';
import { median, Summary, summarize } from './stats';
import type { SynthChildResult } from './synth-child';

export interface SynthSize {
  readonly consumers: number;
  readonly runs: number;
}

export interface SynthMeasure {
  readonly app: AppKind;
  readonly consumers: number;
  /** Whole process, measured by the parent: what `cdktf synth` would cost. */
  readonly wallMs: Summary;
  /** Peak RSS of the process, in MiB (GNU time, or the child's own maxRSS). */
  readonly peakRssMiB: Summary;
  /** Medians of the phases inside the process. */
  readonly phasesMs: { readonly load: number; readonly construct: number; readonly synth: number };
  /** Entries under `resource` in the synthesized JSON. */
  readonly resources: number;
  /** Entries under `data`. */
  readonly dataSources: number;
  readonly jsonBytes: number;
  /** The synthesized stack folder of the last run, for the plan step. */
  readonly stackDir: string;
}

/** The output folder of one app at one size (rewritten by every run). */
export function synthOutdir(app: AppKind, consumers: number): string {
  return path.join(WORK_DIR, 'synth', `${app}-${consumers}`);
}

export function runSynth(sizes: readonly SynthSize[], log: (line: string) => void): SynthMeasure[] {
  const results: SynthMeasure[] = [];
  for (const { consumers, runs } of sizes) {
    const samples: Record<AppKind, { wallMs: number; rssKiB: number; child: SynthChildResult }[]> =
      { keyplane: [], baseline: [] };
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? APP_KINDS : [...APP_KINDS].reverse();
      for (const app of order) {
        const outdir = synthOutdir(app, consumers);
        fs.rmSync(outdir, { recursive: true, force: true });
        fs.mkdirSync(outdir, { recursive: true });
        const resultFile = path.join(outdir, 'child-result.json');
        const measured = measure(process.execPath, [
          SYNTH_CHILD,
          app,
          String(consumers),
          outdir,
          resultFile,
        ]);
        const child = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as SynthChildResult;
        samples[app].push({
          wallMs: measured.wallMs,
          rssKiB: measured.maxRssKiB ?? child.maxRssKiB,
          child,
        });
        log(
          `synth ${app} ${consumers} run ${run + 1}/${runs}: ${Math.round(measured.wallMs)} ms, ${Math.round((measured.maxRssKiB ?? child.maxRssKiB) / 1024)} MiB`
        );
      }
    }
    for (const app of APP_KINDS) {
      const stackDir = path.join(synthOutdir(app, consumers), 'stacks', STACK_NAME);
      const json = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8');
      const tf = JSON.parse(json) as {
        resource?: Record<string, Record<string, unknown>>;
        data?: Record<string, Record<string, unknown>>;
      };
      const count = (blocks: Record<string, Record<string, unknown>> = {}) =>
        Object.values(blocks).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
      const s = samples[app];
      results.push({
        app,
        consumers,
        wallMs: summarize(s.map((x) => x.wallMs)),
        peakRssMiB: summarize(s.map((x) => x.rssKiB / 1024)),
        phasesMs: {
          load: median(s.map((x) => x.child.loadMs)),
          construct: median(s.map((x) => x.child.constructMs)),
          synth: median(s.map((x) => x.child.synthMs)),
        },
        resources: count(tf.resource),
        dataSources: count(tf.data),
        jsonBytes: Buffer.byteLength(json),
        stackDir,
      });
    }
  }
  return results;
}
