/**
 * Where a synth spends its CPU: runs one synth child under `node --cpu-prof` and prints the
 * functions with the most self time and the most inclusive time (a function's own time plus
 * everything it called, counted once per sample), with their file.
 *
 *   npx tsx bench/profile-synth.ts [keyplane|baseline] [consumers] [rows]
 *
 * Run `npm run bench` (or bench/build.ts's buildBench) once first: it builds the child.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SYNTH_CHILD } from './paths';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** `function (file:line)`, the file shortened to what follows node_modules/ or the repo. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/bench\/results\/build\//, '');
  return `${functionName || '(anonymous)'} (${file || 'native'}:${lineNumber + 1})`;
}

function summarizeProfile(profile: CpuProfile, rows: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const leaf = frameName(byId.get(id)!);
    self.set(leaf, (self.get(leaf) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  });
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(
        ([name, ms]) =>
          `${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}`
      )
      .join('\n');
  return [
    `sampled ${total.toFixed(0)} ms`,
    '',
    'self time:',
    top(self),
    '',
    'inclusive time:',
    top(inclusive),
  ].join('\n');
}

function main(argv: string[]): void {
  const [app = 'keyplane', consumers = '1000', rows = '40'] = argv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-synth-profile-'));
  try {
    execFileSync(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, SYNTH_CHILD, app, consumers, path.join(dir, 'out')],
      { stdio: 'inherit' }
    );
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`node wrote no .cpuprofile into ${dir}`);
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    console.log(`${app}, ${consumers} consumers`);
    console.log(summarizeProfile(profile, Number(rows)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
