import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { resolveTarget } from '../../cli/aws-target';
import { localAwsPaths } from '../../local/local-aws';

let server: http.Server;
let endpoint: string;
let project: string;

beforeAll(async () => {
  // Stands in for moto: answers /moto-api/config as the CLI's liveness probe expects.
  server = http.createServer((req, res) => {
    res.statusCode = req.url === '/moto-api/config' ? 200 : 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-target-'));
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

function recordEmulator(url: string, dir = project): string {
  const file = localAwsPaths(dir).stateFile;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ endpoint: url, pid: 1, port: 1 }));
  return file;
}

async function resolve(options: object, env: NodeJS.ProcessEnv, cwd = project) {
  const notices: string[] = [];
  const target = await resolveTarget(options, env, cwd, (line) => notices.push(line));
  return { target, notices };
}

describe('resolveTarget', () => {
  test('without --local or KEYPLANE_AWS_ENDPOINT it is AWS, even beside a live recorded emulator, and says so', async () => {
    recordEmulator(endpoint);
    const { target, notices } = await resolve({}, { AWS_REGION: 'eu-west-1' });
    expect(target).toEqual({ source: 'aws' });
    expect(notices).toEqual([
      'keyplane: target AWS (region eu-west-1) (no --local, no KEYPLANE_AWS_ENDPOINT)',
    ]);
  });

  test('--local uses the emulator recorded in the current folder and names the file', async () => {
    const stateFile = recordEmulator(endpoint);
    const { target, notices } = await resolve({ local: true }, {});
    expect(target).toEqual({ endpoint, region: 'us-east-1', source: 'local-emulator' });
    expect(notices).toEqual([
      `keyplane: target emulator ${endpoint} (region us-east-1) (--local, recorded in ${stateFile})`,
    ]);
  });

  test('--local never looks in a parent folder', async () => {
    recordEmulator(endpoint);
    const sub = path.join(project, 'app');
    fs.mkdirSync(sub);
    await expect(resolve({ local: true }, {}, sub)).rejects.toThrow(
      `--local: no local emulator recorded in ${localAwsPaths(sub).stateFile}; start one in this folder with "npx keyplane local start", or set KEYPLANE_AWS_ENDPOINT`
    );
  });

  test('fails with --local when the recorded emulator does not answer', async () => {
    recordEmulator('http://127.0.0.1:9');
    await expect(resolve({ local: true }, {})).rejects.toThrow(
      /--local: the emulator recorded in .*state\.json \(http:\/\/127\.0\.0\.1:9\) does not answer/
    );
  });

  test('fails when --aws and --local are both given', async () => {
    await expect(resolve({ aws: true, local: true }, {})).rejects.toThrow(
      '--aws and --local exclude each other'
    );
  });

  test('--aws and KEYPLANE_AWS_ENDPOINT=aws choose AWS', async () => {
    const { target, notices } = await resolve(
      { aws: true, region: 'eu-west-1', profile: 'ops' },
      { KEYPLANE_AWS_ENDPOINT: endpoint }
    );
    expect(target).toEqual({ region: 'eu-west-1', profile: 'ops', source: 'aws' });
    expect(notices).toEqual(['keyplane: target AWS (region eu-west-1, profile ops) (--aws)']);
    expect((await resolve({}, { KEYPLANE_AWS_ENDPOINT: 'AWS' })).target.source).toBe('aws');
  });

  test('KEYPLANE_AWS_ENDPOINT=<url> names the emulator', async () => {
    const { target, notices } = await resolve(
      { region: 'eu-central-1' },
      { KEYPLANE_AWS_ENDPOINT: 'http://localhost:4566/' }
    );
    expect(target).toEqual({
      endpoint: 'http://localhost:4566',
      region: 'eu-central-1',
      source: 'env-endpoint',
    });
    expect(notices).toEqual([
      'keyplane: target emulator http://localhost:4566 (region eu-central-1) (KEYPLANE_AWS_ENDPOINT)',
    ]);
  });
});
