/**
 * Points Terraform at a provider filesystem mirror when the machine has one, through a CLI
 * config file written into the project's own .keyplane/ folder (never a file in the home
 * folder).
 *
 * When it applies: only where a filesystem mirror holding the AWS provider is found (the
 * folder named by KEYPLANE_TF_PROVIDER_MIRROR, else /opt/tf-plugins and Terraform's usual
 * plugin folders), typically a machine without access to registry.terraform.io. Where there
 * is no mirror nothing changes: Terraform uses the registry, and cdktf needs no extra flag.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';

/** The flag cdktf deploy and destroy need with a mirror (see {@link cdktfMirrorFlags}). */
export const SKIP_PROVIDER_LOCK = '--skip-provider-lock';

/** Where the CLI config is written for the project in `projectDir`. */
export function terraformCliConfigFile(projectDir: string): string {
  return path.join(projectDir, '.keyplane', 'terraform.tfrc');
}

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
 * Writes the project's CLI config for `mirror` (only when its content changes) and returns
 * its path: the AWS provider from the mirror, every other provider from the registry.
 */
export function writeTerraformCliConfig(projectDir: string, mirror: string): string {
  const file = terraformCliConfigFile(projectDir);
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
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== config) {
    fs.writeFileSync(file, config);
  }
  return file;
}

/**
 * The environment Terraform (and cdktf, which runs it) needs for the project in `projectDir`:
 * TF_CLI_CONFIG_FILE set to a config that installs the AWS provider from the mirror, when
 * there is one; `env` unchanged (plus CHECKPOINT_DISABLE) otherwise.
 */
export function terraformEnv(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env
): NodeJS.ProcessEnv {
  const mirror = findProviderMirror(env);
  const result: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1' };
  if (!mirror) return result;
  return { ...result, TF_CLI_CONFIG_FILE: writeTerraformCliConfig(projectDir, mirror) };
}

/**
 * Flags cdktf deploy and destroy need here: with a mirror, `--skip-provider-lock`, since the
 * lock step cdktf runs (`terraform providers lock`) asks the registry, not the mirror, and
 * fails without it ("Could not retrieve providers for locking").
 */
export function cdktfMirrorFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  return findProviderMirror(env) ? [SKIP_PROVIDER_LOCK] : [];
}
