import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  cdktfMirrorFlags,
  findProviderMirror,
  terraformCliConfigFile,
  terraformEnv,
} from '../../local/terraform-mirror';

let dir: string;
let mirror: string;
let project: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-mirror-'));
  mirror = path.join(dir, 'mirror');
  project = path.join(dir, 'project');
  fs.mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'), { recursive: true });
  fs.mkdirSync(project);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the provider mirror', () => {
  test("with a mirror: the project's CLI config installs the AWS provider from it, and cdktf skips the lock", () => {
    const env = terraformEnv(project, { KEYPLANE_TF_PROVIDER_MIRROR: mirror });
    expect(env.TF_CLI_CONFIG_FILE).toBe(terraformCliConfigFile(project));
    expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(project, '.keyplane', 'terraform.tfrc'));
    const config = fs.readFileSync(env.TF_CLI_CONFIG_FILE!, 'utf8');
    expect(config).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(config).toContain('exclude = ["registry.terraform.io/hashicorp/aws"]');
    expect(cdktfMirrorFlags({ KEYPLANE_TF_PROVIDER_MIRROR: mirror })).toEqual([
      '--skip-provider-lock',
    ]);
  });

  test('fails naming the variable when KEYPLANE_TF_PROVIDER_MIRROR holds no AWS provider', () => {
    expect(() => findProviderMirror({ KEYPLANE_TF_PROVIDER_MIRROR: project })).toThrow(
      `KEYPLANE_TF_PROVIDER_MIRROR=${project} holds no registry.terraform.io/hashicorp/aws; unset it or point it at a filesystem mirror`
    );
  });
});
