import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { resolveTarget } from '../../cli/aws-target';
import { LOCAL_AWS_STATE_FILE } from '../../cli/local-emulator';

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

function recordEmulator(url: string): string {
  const file = path.join(project, LOCAL_AWS_STATE_FILE);
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
  test("uses a live emulator recorded by the project's npm start, from a subfolder too, and says so", async () => {
    const stateFile = recordEmulator(endpoint);
    const sub = path.join(project, 'app', 'deep');
    fs.mkdirSync(sub, { recursive: true });
    const { target, notices } = await resolve({}, {}, sub);
    expect(target).toEqual({ endpoint, region: 'us-east-1', source: 'local-emulator' });
    expect(notices).toEqual([
      `keyplane: using the local emulator at ${endpoint} (from ${stateFile}); pass --aws or set KEYPLANE_AWS_ENDPOINT=aws to use AWS`,
    ]);
  });

  test('ignores a recorded emulator that does not answer', async () => {
    recordEmulator('http://127.0.0.1:9');
    const { target, notices } = await resolve({}, {});
    expect(target.source).toBe('aws');
    expect(notices).toEqual([]);
  });

  test('--aws and KEYPLANE_AWS_ENDPOINT=aws choose AWS over a live emulator', async () => {
    recordEmulator(endpoint);
    expect((await resolve({ aws: true, region: 'eu-west-1', profile: 'ops' }, {})).target).toEqual({
      region: 'eu-west-1',
      profile: 'ops',
      source: 'aws',
    });
    expect((await resolve({}, { KEYPLANE_AWS_ENDPOINT: 'AWS' })).target.source).toBe('aws');
  });

  test('KEYPLANE_AWS_ENDPOINT=<url> wins over the recorded emulator, silently', async () => {
    recordEmulator(endpoint);
    const { target, notices } = await resolve(
      { region: 'eu-central-1' },
      { KEYPLANE_AWS_ENDPOINT: 'http://localhost:4566/' }
    );
    expect(target).toEqual({
      endpoint: 'http://localhost:4566',
      region: 'eu-central-1',
      source: 'env-endpoint',
    });
    expect(notices).toEqual([]);
  });
});
