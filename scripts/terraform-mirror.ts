/**
 * Points Terraform at a provider filesystem mirror when the machine has one, through a CLI
 * config file the project writes itself (never a file in the home folder).
 *
 * Where there is no mirror (a user with registry access) nothing changes: Terraform uses the
 * registry. As a command, `tsx scripts/terraform-mirror.ts <command...>` runs the command with
 * TF_CLI_CONFIG_FILE set when a mirror is found.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
/** Where the CLI config is written; git-ignored. */
export const CLI_CONFIG_FILE = path.join(ROOT, '.keyplane', 'terraform.tfrc');
const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';

/** Places a filesystem mirror is commonly laid out, after KEYPLANE_TF_PROVIDER_MIRROR. */
function candidateMirrors(env: NodeJS.ProcessEnv): string[] {
  return [
    env.KEYPLANE_TF_PROVIDER_MIRROR,
    '/opt/tf-plugins',
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
    path.join(os.homedir(), '.terraform.d', 'plugins'),
    path.join(os.homedir(), '.local', 'share', 'terraform', 'plugins'),
  ].filter((dir): dir is string => Boolean(dir));
}

/** The first mirror that holds the AWS provider, or undefined. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.KEYPLANE_TF_PROVIDER_MIRROR;
  if (named && !fs.existsSync(path.join(named, AWS_PROVIDER))) {
    throw new Error(
      `KEYPLANE_TF_PROVIDER_MIRROR=${named} holds no ${AWS_PROVIDER}; unset it or point it at a filesystem mirror`
    );
  }
  return candidateMirrors(env).find((dir) => fs.existsSync(path.join(dir, AWS_PROVIDER)));
}

/**
 * The environment Terraform (and cdktf, which runs it) needs here: TF_CLI_CONFIG_FILE set to
 * a config that installs the AWS provider from the mirror, when there is one.
 */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const mirror = findProviderMirror(env);
  const result: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1' };
  if (!mirror) return result;
  const config = [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER)}]`,
    '  }',
    '  direct {',
    `    exclude = [${JSON.stringify(AWS_PROVIDER)}]`,
    '  }',
    '}',
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(CLI_CONFIG_FILE), { recursive: true });
  if (!fs.existsSync(CLI_CONFIG_FILE) || fs.readFileSync(CLI_CONFIG_FILE, 'utf8') !== config) {
    fs.writeFileSync(CLI_CONFIG_FILE, config);
  }
  return { ...result, TF_CLI_CONFIG_FILE: CLI_CONFIG_FILE };
}

/**
 * Flags cdktf deploy and destroy need here: with a mirror, `--skip-provider-lock`, since the
 * lock step cdktf runs (`terraform providers lock`) asks the registry, not the mirror.
 */
export function cdktfMirrorFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  return findProviderMirror(env) ? ['--skip-provider-lock'] : [];
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
