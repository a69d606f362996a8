import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SECRET_FORMAT } from '../../../contract';
import {
  rotationInProgress,
  SecretStore,
  versionStagedAs,
  type SecretState,
} from '../../../lambdas/rotation/secret-store';

const sm = mockClient(SecretsManagerClient);
const store = new SecretStore(new SecretsManagerClient({ region: 'eu-west-1' }));
const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/a-AbC';
const issued = {
  format: SECRET_FORMAT,
  keyId: 'k1',
  value: 'V'.repeat(40),
  consumer: 'a',
  usagePlanIds: ['p1'],
  createdAt: '2025-06-01T12:00:00.000Z',
} as const;

beforeEach(() => sm.reset());

describe('SecretStore', () => {
  test('describe maps tags, stages, rotation and deletion', async () => {
    sm.on(DescribeSecretCommand).resolves({
      ARN: arn,
      Name: 'keyplane/a',
      RotationEnabled: true,
      DeletedDate: new Date('2025-06-01T00:00:00Z'),
      Tags: [{ Key: 'keyplane:consumer', Value: 'a' }],
      VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
    });

    const state = await store.describe('keyplane/a');

    expect(state).toEqual({
      arn,
      name: 'keyplane/a',
      rotationEnabled: true,
      deleted: true,
      tags: { 'keyplane:consumer': 'a' },
      versions: new Map([
        ['v1', ['AWSCURRENT']],
        ['v2', ['AWSPENDING']],
      ]),
    });
    expect(sm).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: 'keyplane/a' });
  });

  test('describe answers undefined for a secret that does not exist', async () => {
    sm.on(DescribeSecretCommand).rejects(
      new ResourceNotFoundException({ message: "can't find the secret", $metadata: {} })
    );
    await expect(store.describe('nope')).resolves.toBeUndefined();
  });

  test('read classifies the value and treats "no value yet" as empty', async () => {
    sm.on(GetSecretValueCommand, { VersionId: 'v1' }).resolves({
      SecretString: JSON.stringify(issued),
    });
    sm.on(GetSecretValueCommand, { VersionId: 'v2' }).rejects(
      new ResourceNotFoundException({
        message: "can't find the specified secret value",
        $metadata: {},
      })
    );

    await expect(store.read(arn, 'v1')).resolves.toEqual({ kind: 'issued', value: issued });
    await expect(store.read(arn, 'v2', 'AWSPENDING')).resolves.toEqual({ kind: 'empty' });
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: arn,
      VersionId: 'v2',
      VersionStage: 'AWSPENDING',
    });
  });

  test('putPending writes the JSON staged AWSPENDING, and reports a version that holds another value', async () => {
    sm.on(PutSecretValueCommand)
      .resolvesOnce({})
      .rejectsOnce(new ResourceExistsException({ message: 'version exists', $metadata: {} }));

    await expect(store.putPending(arn, 'tok', issued)).resolves.toBe('written');
    await expect(store.putPending(arn, 'tok', issued)).resolves.toBe('exists');
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: arn,
      ClientRequestToken: 'tok',
      SecretString: JSON.stringify(issued),
      VersionStages: ['AWSPENDING'],
    });
  });

  test('promote moves AWSCURRENT to the token and off the previous version', async () => {
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    await store.promote(arn, 'tok', 'v1');
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'tok',
      RemoveFromVersionId: 'v1',
    });
  });

  test('listByNamePrefix pages through 100 at a time and keeps exact prefix matches', async () => {
    sm.on(ListSecretsCommand)
      .resolvesOnce({
        SecretList: [
          { ARN: 'a1', Name: 'keyplane/a' },
          { ARN: 'a2', Name: 'KEYPLANE/b' },
        ],
        NextToken: 't1',
      })
      .resolvesOnce({ SecretList: [{ ARN: 'a3', Name: 'keyplane/c', DeletedDate: new Date() }] });

    const secrets = await store.listByNamePrefix('keyplane/');

    expect(secrets.map((s) => [s.arn, s.deleted])).toEqual([
      ['a1', false],
      ['a3', true],
    ]);
    expect(sm).toHaveReceivedCommandTimes(ListSecretsCommand, 2);
    expect(sm).toHaveReceivedNthSpecificCommandWith(1, ListSecretsCommand, {
      Filters: [{ Key: 'name', Values: ['keyplane/'] }],
      IncludePlannedDeletion: true,
      MaxResults: 100,
    });
    expect(sm).toHaveReceivedNthSpecificCommandWith(2, ListSecretsCommand, { NextToken: 't1' });
  });
});

describe('staging helpers', () => {
  const state = (versions: Record<string, string[]>): SecretState => ({
    arn,
    name: 'n',
    rotationEnabled: true,
    deleted: false,
    tags: {},
    versions: new Map(Object.entries(versions)),
  });

  test('versionStagedAs finds the version with a label', () => {
    expect(versionStagedAs(state({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] }), 'AWSCURRENT')).toBe(
      'v2'
    );
    expect(versionStagedAs(state({ v1: ['AWSPREVIOUS'] }), 'AWSCURRENT')).toBeUndefined();
  });

  test('a rotation is in progress only when AWSPENDING is on a version that is not current', () => {
    expect(rotationInProgress(state({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] }))).toBe('v2');
    expect(rotationInProgress(state({ v1: ['AWSCURRENT', 'AWSPENDING'] }))).toBeUndefined();
    expect(rotationInProgress(state({ v1: ['AWSCURRENT'] }))).toBeUndefined();
  });
});
