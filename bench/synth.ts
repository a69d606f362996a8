/**
 * Synth, each run a fresh process measured from outside (wall time, peak RSS):
 *
 * - the keyplane and baseline bench apps (bench/apps/) at one size, bundled ahead of time
 *   (bench/build.ts) and run by node, runs interleaved so machine noise hits both alike;
 * - the platform app at two regions' ceiling (bench/apps/region-config.ts), run as `cdktf synth`
 *   runs it: `tsx main.ts` on a config file, sharded by the app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { appShards } from '../app/shards';
import { APP_KINDS, AppKind } from './apps';
import { CLOSED_ENDPOINT, STACK_NAME } from './apps/offline-provider';
import { regionConfig } from './apps/region-config';
import { measure, type Measured } from './child-process';
import { ROOT, SYNTH_CHILD, WORK_DIR } from './paths';
import { median } from './stats';

export interface SynthMeasure {
  /** Median wall time, ms. */
  readonly wallMs: number;
  /** Median peak RSS, MiB. */
  readonly peakRssMiB: number;
  /** Median CPU time, ms. */
  readonly cpuMs: number;
  /** The synthesized stack folder of the last run, for the plan step. */
  readonly stackDir: string;
}

function summary(samples: Measured[], stackDir: string) {
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs ?? NaN)),
    peakRssMiB: median(samples.map((s) => (s.maxRssKiB ?? 0) / 1024)),
    stackDir,
  };
}

/** Both bench apps at `consumers`, `runs` times each. */
export function synthBenchApps(
  consumers: number,
  runs: number,
  log: (line: string) => void
): Record<AppKind, SynthMeasure> {
  const samples: Record<AppKind, Measured[]> = {
    keyplane: [],
    baseline: [],
  };
  const outdir = (app: AppKind) => path.join(WORK_DIR, 'synth', `${app}-${consumers}`);
  for (let run = 0; run < runs; run++) {
    for (const app of run % 2 === 0 ? APP_KINDS : [...APP_KINDS].reverse()) {
      fs.rmSync(outdir(app), { recursive: true, force: true });
      fs.mkdirSync(outdir(app), { recursive: true });
      const measured = measure(process.execPath, [
        SYNTH_CHILD,
        app,
        String(consumers),
        outdir(app),
      ]);
      samples[app].push(measured);
      log(`synth ${app} ${consumers}: ${(measured.wallMs / 1000).toFixed(1)} s`);
    }
  }
  const stackDir = (app: AppKind) => path.join(outdir(app), 'stacks', STACK_NAME);
  return {
    keyplane: summary(samples.keyplane, stackDir('keyplane')),
    baseline: summary(samples.baseline, stackDir('baseline')),
  };
}

/**
 * The platform app with `consumersPerRegion` in each of two regions, endpoints on a closed
 * port (as the bench apps'); returns the measure with the folder of its largest shard.
 */
export function synthRegionApp(
  consumersPerRegion: number,
  log: (line: string) => void
): SynthMeasure & { readonly stacks: number } {
  const dir = path.join(WORK_DIR, 'region');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const config = regionConfig(consumersPerRegion);
  const configFile = path.join(dir, 'keyplane.config.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const outdir = path.join(dir, 'out');
  const measured = measure(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(ROOT, 'main.ts')],
    {
      cwd: dir,
      env: {
        ...process.env,
        KEYPLANE_CONFIG: configFile,
        CDKTF_OUTDIR: outdir,
        KEYPLANE_AWS_ENDPOINT: CLOSED_ENDPOINT,
      },
    }
  );
  log(
    `synth platform app, ${2 * consumersPerRegion} consumers: ${(measured.wallMs / 1000).toFixed(1)} s`
  );
  // appShards is what main.ts ran: the same shards, the same largest one.
  const shards = appShards(config as Parameters<typeof appShards>[0]);
  const largest = shards.reduce((a, b) => (b.consumers.length > a.consumers.length ? b : a));
  return {
    ...summary([measured], path.join(outdir, 'stacks', largest.stackId)),
    stacks: shards.length,
  };
}
