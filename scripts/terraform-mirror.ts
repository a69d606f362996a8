/**
 * This checkout's Terraform set-up: the shipped mirror handling (local/terraform-mirror.ts)
 * bound to the repository root, so the CLI config is .keyplane/terraform.tfrc here. As a
 * command, `tsx scripts/terraform-mirror.ts <command...>` runs the command with
 * TF_CLI_CONFIG_FILE set when a mirror is found.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { terraformEnv as projectTerraformEnv } from '../local/terraform-mirror';

export { cdktfMirrorFlags } from '../local/terraform-mirror';

const ROOT = path.resolve(__dirname, '..');

/** The environment Terraform and cdktf need in this checkout (see local/terraform-mirror.ts). */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return projectTerraformEnv(ROOT, env);
}

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: tsx scripts/terraform-mirror.ts <command> [args...]');
    process.exit(2);
  }
  const run = spawnSync(command, args, { stdio: 'inherit', env: terraformEnv() });
  process.exit(run.status ?? 1);
}
