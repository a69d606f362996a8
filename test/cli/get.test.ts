import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  cli,
  healthyWorld,
  resetMocks,
  SECRET_VALUE,
  secret,
  secretsManager,
  world,
  TARGET_NOTICE,
} from './fixture';

beforeEach(resetMocks);

describe('keyplane get', () => {
  test('prints the current key id only, and never reads the secret value', async () => {
    healthyWorld();
    const run = await cli('get acme');
    expect(run).toEqual({ code: 0, stdout: 'key-acme-2', stderr: TARGET_NOTICE });
    expect(secretsManager).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  test('--show prints the AWSCURRENT value on stdout and nothing else anywhere', async () => {
    healthyWorld();
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ keyId: 'key-acme-2', value: SECRET_VALUE }) });
    const run = await cli('get acme --show');
    expect(run).toEqual({ code: 0, stdout: SECRET_VALUE, stderr: TARGET_NOTICE });
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, {
      VersionStage: 'AWSCURRENT',
    });
  });

  test('--show --json carries the value with the key id', async () => {
    healthyWorld();
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ keyId: 'key-acme-2', value: SECRET_VALUE }) });
    const { stdout } = await cli('get acme --show --json');
    expect(JSON.parse(stdout)).toMatchObject({
      consumer: 'acme',
      keyId: 'key-acme-2',
      value: SECRET_VALUE,
    });
  });

  test('--show fails without printing a value when the secret names another key', async () => {
    healthyWorld();
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ keyId: 'key-acme-3', value: SECRET_VALUE }) });
    const run = await cli('get acme --show');
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET_VALUE);
    expect(run.stderr).toMatch(/does not name key key-acme-2/);
  });

  test('fails with exit 3 for a consumer without a key yet', async () => {
    world([secret('acme', { stages: { boot: ['keyplane-bootstrap', 'AWSCURRENT'] } })], []);
    const run = await cli('get acme');
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/acme has no current key \(no key issued yet/);
  });
});
