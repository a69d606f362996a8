/**
 * Where a keyplane `terraform plan` spends its time: plans the keyplane bench app's stack as
 * synthesized, and copies of it with one thing taken out (the secrets' tags, the secrets'
 * depends_on, the placeholder versions, the rotations, every consumer), and prints each plan's
 * wall and CPU time (CPU time moves far less on a shared machine).
 *
 *   npx tsx bench/profile-plan.ts [consumers]
 *
 * Run `npm run bench` first (or `-- --quick` for 100 consumers): it leaves the synthesized stack
 * in bench/results/work/synth/keyplane-<consumers>.
 */
import * as fs from 'fs';
import * as path from 'path';
import { startLocalAws } from '../scripts/local-aws';
import { STACK_NAME } from './apps/offline-provider';
import { WORK_DIR } from './paths';
import { planStacks } from './plan';

type Block = Record<string, Record<string, unknown>>;
interface StackJson {
  resource: Record<string, Block>;
}

const SECRET = 'aws_secretsmanager_secret';
const VERSION = 'aws_secretsmanager_secret_version';
const ROTATION = 'aws_secretsmanager_secret_rotation';
const each = (stack: StackJson, type: string, change: (r: Record<string, unknown>) => void) =>
  Object.values(stack.resource[type] ?? {}).forEach(change);

const VARIANTS: Record<string, (stack: StackJson) => void> = {
  'as synthesized': () => {},
  'no secret tags': (stack) => each(stack, SECRET, (r) => delete r.tags),
  'no depends_on': (stack) => each(stack, SECRET, (r) => delete r.depends_on),
  'no placeholder versions': (stack) => {
    // The rotations name their secret through the placeholder: name it directly.
    const versions = stack.resource[VERSION];
    each(stack, ROTATION, (r) => {
      const version = /^\$\{aws_secretsmanager_secret_version\.([^.]+)\.secret_id\}$/.exec(
        r.secret_id as string
      );
      if (version) r.secret_id = versions[version[1]].secret_id;
    });
    delete stack.resource[VERSION];
  },
  'no rotations': (stack) => delete stack.resource[ROTATION],
  'no consumers': (stack) => [SECRET, VERSION, ROTATION].forEach((t) => delete stack.resource[t]),
};

async function main(consumers: string): Promise<void> {
  const source = path.join(WORK_DIR, 'synth', `keyplane-${consumers}`, 'stacks', STACK_NAME);
  const json = JSON.parse(fs.readFileSync(path.join(source, 'cdk.tf.json'), 'utf8')) as StackJson;
  const dirs: Record<string, string> = {};
  for (const [name, change] of Object.entries(VARIANTS)) {
    const dir = path.join(WORK_DIR, 'profile-plan', name.replace(/\W+/g, '-'));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(source, dir, { recursive: true });
    const variant = structuredClone(json);
    change(variant);
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(variant));
    dirs[name] = dir;
  }
  const aws = await startLocalAws({ isolated: true });
  try {
    const planned = planStacks(dirs, 1, aws.endpoint, () => {});
    for (const [name, m] of Object.entries(planned)) {
      console.log(
        `${name.padEnd(24)} wall ${(m.wallMs / 1000).toFixed(1).padStart(6)} s  CPU ${(m.cpuMs / 1000).toFixed(1).padStart(6)} s  ${m.toAdd} to add`
      );
    }
  } finally {
    await aws.stop();
  }
}

main(process.argv[2] ?? '1000').catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
