/**
 * One synth, alone in its process so its peak memory is its own:
 *
 *   node synth-child.js <keyplane|baseline> <consumers> <outdir> <result.json>
 *
 * Writes the phase times (module load, construct tree, app.synth) and the process's peak RSS
 * to result.json. The parent measures the whole process's wall time.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
// Loading the apps loads cdktf, the provider bindings and (for keyplane) the constructs.
import { App } from 'cdktf';
import { APP_KINDS, APPS, AppKind } from './apps';

export interface SynthChildResult {
  /** From process start to the apps being loaded (Node start + module loading). */
  readonly loadMs: number;
  /** Building the construct tree. */
  readonly constructMs: number;
  /** app.synth(): validation, resolution and writing the JSON. */
  readonly synthMs: number;
  /** process.resourceUsage().maxRSS, in KiB. */
  readonly maxRssKiB: number;
}

function main(argv: string[]): void {
  const [kind, consumersArg, outdir, resultFile] = argv;
  if (!APP_KINDS.includes(kind as AppKind) || !consumersArg || !outdir || !resultFile) {
    throw new Error(
      `usage: synth-child <${APP_KINDS.join('|')}> <consumers> <outdir> <result.json>`
    );
  }
  const loaded = performance.now();
  const app = new App({ outdir });
  APPS[kind as AppKind](app, Number(consumersArg));
  const constructed = performance.now();
  app.synth();
  const synthesized = performance.now();
  const result: SynthChildResult = {
    loadMs: loaded,
    constructMs: constructed - loaded,
    synthMs: synthesized - constructed,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  fs.writeFileSync(resultFile, JSON.stringify(result));
}

main(process.argv.slice(2));
