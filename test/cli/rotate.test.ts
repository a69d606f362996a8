import { GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  ListSecretsCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  apiGateway,
  arnOf,
  cli,
  healthyWorld,
  key,
  resetMocks,
  secret,
  secretsManager,
  TARGET_NOTICE,
} from './fixture';

beforeEach(resetMocks);

describe('keyplane rotate', () => {
  test('starts a rotation and follows it until AWSCURRENT moves, with progress on stderr', async () => {
    healthyWorld();
    secretsManager.on(RotateSecretCommand).resolves({ VersionId: 'acme-v3' });
    secretsManager
      .on(DescribeSecretCommand)
      .resolvesOnce({ VersionIdsToStages: { 'acme-v2': ['AWSCURRENT'] } })
      .resolvesOnce({
        VersionIdsToStages: { 'acme-v2': ['AWSCURRENT'], 'acme-v3': ['AWSPENDING'] },
      })
      .resolves({ VersionIdsToStages: { 'acme-v2': ['AWSPREVIOUS'], 'acme-v3': ['AWSCURRENT'] } });
    // After the rotation, version 3 is current, its key exists and the old one is retiring.
    secretsManager
      .on(ListSecretsCommand)
      .resolvesOnce({ SecretList: [secret('acme')] })
      .resolves({
        SecretList: [
          secret('acme', { stages: { 'acme-v2': ['AWSPREVIOUS'], 'acme-v3': ['AWSCURRENT'] } }),
        ],
      });
    apiGateway
      .on(GetApiKeysCommand)
      .resolvesOnce({ items: [key('key-acme-2', 'acme', 'acme-v2')] })
      .resolves({
        items: [
          key('key-acme-3', 'acme', 'acme-v3'),
          key('key-acme-2', 'acme', 'acme-v2', {
            tags: { 'keyplane:retire-after': '2026-06-16T12:00:00Z' },
          }),
        ],
      });

    const run = await cli('rotate acme');

    expect(run.code).toBe(0);
    expect(secretsManager).toHaveReceivedCommandWith(RotateSecretCommand, {
      SecretId: arnOf('acme'),
      RotateImmediately: true,
    });
    expect(run.stderr.split('\n')).toEqual([
      TARGET_NOTICE,
      'rotating acme (keyplane/prod/acme); current key key-acme-2',
      '  [0s] rotation started: new version acme-v3',
      '  [2s] AWSPENDING staged on version acme-v3: new key being issued and tested',
      '  [4s] AWSCURRENT moved to version acme-v3',
    ]);
    expect(run.stdout).toBe(
      'acme: rotated in 4s; key key-acme-2 -> key-acme-3\n' +
        '  key-acme-2 stays enabled until 2026-06-16T12:00:00Z'
    );
  });

  test('exits 1 naming the stuck version when AWSCURRENT does not move within --timeout', async () => {
    healthyWorld();
    secretsManager.on(RotateSecretCommand).resolves({ VersionId: 'acme-v3' });
    secretsManager.on(DescribeSecretCommand).resolves({
      VersionIdsToStages: { 'acme-v2': ['AWSCURRENT'], 'acme-v3': ['AWSPENDING'] },
    });
    const run = await cli('rotate acme --timeout 10');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /the rotation of acme did not finish within 10s: AWSCURRENT is still version acme-v2, AWSPENDING on acme-v3.*\/aws\/lambda\/keyplane-prod-rotation/
    );
    expect(secretsManager).toHaveReceivedCommandTimes(DescribeSecretCommand, 6);
  });

  test('exits 1 when the function refused the rotation (AWSPENDING taken off the new version), naming the consumer and the setting', async () => {
    healthyWorld();
    secretsManager.on(RotateSecretCommand).resolves({ VersionId: 'acme-v3' });
    secretsManager
      .on(DescribeSecretCommand)
      .resolvesOnce({
        VersionIdsToStages: { 'acme-v2': ['AWSCURRENT'], 'acme-v3': ['AWSPENDING'] },
      })
      .resolves({ VersionIdsToStages: { 'acme-v2': ['AWSCURRENT'], 'acme-v3': [] } });

    const run = await cli('rotate acme');

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /the rotation function refused to rotate acme: .*maxLiveKeys .*within its rotateCoolDown .*keyBudget.*\/aws\/lambda\/keyplane-prod-rotation.* names the time left and the setting/
    );
    expect(secretsManager).toHaveReceivedCommandTimes(DescribeSecretCommand, 2);
  });

  test('exits 3 for an unknown consumer, listing the known ones, and rotates nothing', async () => {
    healthyWorld();
    const run = await cli('rotate initech');
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `${TARGET_NOTICE}\nkeyplane: unknown consumer "initech"; known consumers: acme, globex`
    );
    expect(secretsManager).not.toHaveReceivedCommand(RotateSecretCommand);
  });
});
