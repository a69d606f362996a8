/**
 * The packed tarball, used as the README tells an importing team to: a fresh cdktf project in
 * a temp folder with the README's sample as main.ts runs the shell block of "The whole path,
 * on the local AWS" as written (npm install, cdktf synth, keyplane local start/env, cdktf
 * deploy, keyplane rotate and get, cdktf destroy, keyplane local stop).
 *
 * What is prepared, as the team's project would already have it: cdktf, constructs,
 * @cdktf/provider-aws, cdktf-cli and tsx, linked from this checkout (installing them would
 * unpack 400 MB of provider bindings per run); and, to skip a minute of pip, the moto venv and
 * Node 22 that the checkout's .keyplane/ already holds. The one substitution: `npm install
 * keyplane` installs the tarball (from npm's cache where it can), then links the tools again
 * (npm prunes links it does not know). The project starts its own emulator, on its own port,
 * as `keyplane local start` does in any folder.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APIGatewayClient, paginateGetApiKeys } from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { KeyTag } from '../../contract/tags';
import { localAwsPaths } from '../../local/local-aws';
import { filesUnder } from '../support/files';
import { readmeImportSample } from '../support/import-sample';

jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const STACK = 'orders-keys';
const SERVICE = `keyplane-${STACK}`;
const CONSUMERS = ['initrode', 'umbrella'];
/** What the team's project has installed before it adds keyplane: its dependencies... */
const PREINSTALLED = ['cdktf', 'constructs', '@cdktf/provider-aws'];
/** ...and its tools, which npm would prune as extraneous: linked again after npm install. */
const TOOLS: Record<string, readonly [bin: string, file: string]> = {
  'cdktf-cli': ['cdktf', 'bundle/bin/cdktf'],
  tsx: ['tsx', 'dist/cli.mjs'],
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-walkthrough-'));

/** The README's shell block under "The whole path, on the local AWS", command lines only. */
function walkthrough(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The whole path, on the local AWS'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no ```sh block under "The whole path, on the local AWS"');
  return block[1].split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** A fresh cdktf project: the sample, cdktf.json, and what it had before keyplane. */
function layOutProject(): string {
  const tarball = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--silent', '--pack-destination', work],
    { cwd: ROOT, encoding: 'utf8' }
  )
    .trim()
    .split('\n')
    .pop()!;
  fs.writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'orders-api-keys', private: true }, null, 2)
  );
  fs.writeFileSync(
    path.join(work, 'cdktf.json'),
    JSON.stringify({ language: 'typescript', app: 'npx tsx main.ts', projectId: 'orders' })
  );
  fs.writeFileSync(path.join(work, 'main.ts'), readmeImportSample());
  for (const pkg of PREINSTALLED) {
    const link = path.join(work, 'node_modules', pkg);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', pkg), link);
  }
  for (const cache of ['venv', 'node22']) {
    const from = path.join(ROOT, '.keyplane', cache);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.join(work, '.keyplane'), { recursive: true });
    fs.symlinkSync(from, path.join(work, '.keyplane', cache));
  }
  return path.join(work, tarball);
}

interface Shell {
  readonly stdout: string;
  readonly stderr: string;
}

/** Shell lines that link the team's tools (cdktf-cli, tsx) and their bins into the project. */
function linkTools(): string[] {
  return Object.entries(TOOLS).flatMap(([pkg, [bin, file]]) => [
    `ln -sfn ${path.join(ROOT, 'node_modules', pkg)} node_modules/${pkg}`,
    `ln -sfn ../${pkg}/${file} node_modules/.bin/${bin}`,
  ]);
}

/** Runs command lines in one bash in the project, stopping at the first that fails. */
function sh(lines: string[]): Shell {
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', lines.join('\n')], {
    cwd: work,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // As in a team's shell: no emulator chosen yet, no AWS credentials of the test run.
    env: withoutAwsVariables({ ...process.env, CI: 'true', CHECKPOINT_DISABLE: '1' }),
  });
  if (run.status !== 0)
    throw new Error(
      `the README walkthrough failed (exit ${run.status}) in ${work}:\n` +
        `${lines.join('\n')}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`
    );
  return { stdout: run.stdout, stderr: run.stderr };
}

function withoutAwsVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !/^AWS_|^KEYPLANE_AWS_ENDPOINT$|^TF_CLI_CONFIG_FILE$/.test(name)
    )
  );
}

/** Clients for the project's own emulator, from the state file `keyplane local start` wrote. */
function projectClients() {
  const { endpoint } = JSON.parse(fs.readFileSync(localAwsPaths(work).stateFile, 'utf8'));
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    secretsManager: new SecretsManagerClient(config),
    apiGateway: new APIGatewayClient(config),
  };
}

async function serviceKeyIds(apiGateway: APIGatewayClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateGetApiKeys({ client: apiGateway, pageSize: 500 }, {}))
    for (const key of page.items ?? [])
      if (key.tags?.[KeyTag.SERVICE] === SERVICE) ids.push(key.id!);
  return ids;
}

describe('the README walkthrough, from the packed tarball, on a local AWS of its own', () => {
  const outputs: string[] = [];
  const keyValues = new Set<string>();
  let lines: string[];
  let envLine: string;

  beforeAll(() => {
    const tarball = layOutProject();
    lines = walkthrough().map((line) =>
      line === 'npm install keyplane'
        ? [`npm install --prefer-offline --no-audit --no-fund ${tarball}`, ...linkTools()].join(
            ' && '
          )
        : line
    );
    envLine = lines.find((line) => line.includes('keyplane local env'))!;
  });
  afterAll(() => {
    spawnSync('node_modules/.bin/keyplane', ['local', 'stop'], { cwd: work }); // after a failure
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('has the steps the issue asks for, in order', () => {
    expect(lines.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      expect.stringMatching(/^npm install/),
      'npx cdktf synth',
      'npx keyplane local',
      'eval "$(npx keyplane',
      'npx cdktf deploy',
      'npx keyplane rotate',
      'npx keyplane get',
      'npx cdktf destroy',
      'npx keyplane local',
    ]);
  });

  test('install, synth, local start, deploy, rotate: get prints the new current key id', async () => {
    const destroyAt = lines.findIndex((line) => line.startsWith('npx cdktf destroy'));
    // As the README says: add --skip-provider-lock when `keyplane local env` asks for it.
    const probe = sh([...lines.slice(0, 4)]);
    const skipLock = /need --skip-provider-lock/.test(probe.stderr);
    const upToGet = lines
      .slice(4, destroyAt)
      .map((line) =>
        skipLock && line.startsWith('npx cdktf ') ? `${line} --skip-provider-lock` : line
      );
    const run = sh([envLine, ...upToGet]);
    outputs.push(probe.stdout, probe.stderr, run.stdout, run.stderr);

    const { secretsManager } = projectClients();
    for (const [consumer, stage] of [
      ...CONSUMERS.map((c) => [c, 'AWSCURRENT']),
      ['initrode', 'AWSPREVIOUS'],
    ]) {
      const { SecretString } = await secretsManager.send(
        new GetSecretValueCommand({
          SecretId: `keyplane/${STACK}/${consumer}`,
          VersionStage: stage,
        })
      );
      keyValues.add(JSON.parse(SecretString!).value);
    }
    const current = JSON.parse(
      (
        await secretsManager.send(
          new GetSecretValueCommand({ SecretId: `keyplane/${STACK}/initrode` })
        )
      ).SecretString!
    );
    const rotated = /initrode: rotated in \d+s; key (\w+) -> (\w+)/.exec(run.stdout);
    expect(rotated).not.toBeNull();
    expect(rotated![2]).not.toBe(rotated![1]);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(current.keyId);
    expect(current.keyId).toBe(rotated![2]);
    expect(run.stderr).toMatch(
      /keyplane: target emulator http:\/\/127\.0\.0\.1:\d+ .*KEYPLANE_AWS_ENDPOINT/
    );
  });

  test('destroy leaves no key of the stack behind', async () => {
    const { apiGateway, secretsManager } = projectClients();
    expect((await serviceKeyIds(apiGateway)).length).toBeGreaterThanOrEqual(3);
    const destroy = lines.filter((line) => line.startsWith('npx cdktf destroy'));
    const skipLock = outputs.some((text) => /need --skip-provider-lock/.test(text));
    const run = sh([envLine, ...destroy.map((l) => (skipLock ? `${l} --skip-provider-lock` : l))]);
    outputs.push(run.stdout, run.stderr);
    expect(await serviceKeyIds(apiGateway)).toEqual([]);
    const secret = await secretsManager.send(
      new DescribeSecretCommand({ SecretId: `keyplane/${STACK}/initrode` })
    );
    expect(secret.DeletedDate).toBeDefined(); // pending deletion: see "Destroy, then deploy again"
  });

  test('local stop stops the emulator it started', () => {
    const run = sh([lines.at(-1)!]);
    outputs.push(run.stdout, run.stderr);
    expect(run.stdout).toBe('local AWS stopped\n');
    expect(fs.existsSync(localAwsPaths(work).stateFile)).toBe(false);
  });

  test("the function's log is JSON line by line, with no SDK deprecation warning", () => {
    const log = fs.readFileSync(
      path.join(localAwsPaths(work).lambdaLogDir, `${SERVICE}-rotation.log`),
      'utf8'
    );
    const lines = log.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(20);
    const notJson = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    expect(log).not.toMatch(/deprecat/i);
    outputs.push(log);
  });

  test('no key value issued is in any output, log, state or synth file', () => {
    expect(keyValues.size).toBe(CONSUMERS.length + 1); // and initrode's previous key
    // Everything the walkthrough wrote but the installed packages (linked caches and Terraform's
    // provider folder are links, not followed).
    const files = filesUnder(work).filter(
      (f) => !path.relative(work, f).startsWith(`node_modules${path.sep}`)
    );
    expect(files.some((f) => f.endsWith('.tfstate'))).toBe(true);
    const leaks = [
      ...files.filter((f) => [...keyValues].some((v) => fs.readFileSync(f, 'latin1').includes(v))),
      ...outputs
        .filter((text) => [...keyValues].some((v) => text.includes(v)))
        .map((_, i) => `output #${i}`),
    ];
    expect(leaks).toEqual([]);
  });
});
