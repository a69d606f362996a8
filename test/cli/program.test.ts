import { GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { apiGateway, cli, healthyWorld, resetMocks, secretsManager } from './fixture';

beforeEach(resetMocks);

const awsError = (name: string, message = name) =>
  Object.assign(new Error(message), { name, $metadata: {} });

describe('keyplane arguments', () => {
  test('without a command prints the help on stderr and exits 2', async () => {
    const run = await cli('');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Usage: keyplane \[options\] \[command\]/);
  });

  test('--help exits 0 and lists every command', async () => {
    const run = await cli('--help');
    expect(run.code).toBe(0);
    for (const command of ['status', 'rotate', 'revoke', 'get', 'usage', 'doctor'])
      expect(run.stdout).toMatch(new RegExp(`\\n  ${command} `));
  });

  test.each([
    ['an unknown command', 'frobnicate', /unknown command 'frobnicate'/],
    ['a missing consumer', 'rotate', /missing required argument 'consumer'/],
    ['an unknown option', 'status --verbose', /unknown option '--verbose'/],
    ['a bad --timeout', 'rotate acme --timeout soon', /--timeout must be a whole number from 1/],
    [
      'a bad --stuck-after',
      'doctor --stuck-after -5',
      /--stuck-after must be a whole number of 0 or more/,
    ],
  ])('%s is a usage error (exit 2) that names the problem', async (_what, args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(secretsManager).not.toHaveReceivedCommand(ListSecretsCommand);
  });
});

describe('keyplane errors', () => {
  test('missing credentials exit 4 and say where to get them', async () => {
    secretsManager
      .on(ListSecretsCommand)
      .rejects(
        awsError('CredentialsProviderError', 'Could not load credentials from any providers')
      );
    apiGateway.on(GetApiKeysCommand).resolves({ items: [] });
    const run = await cli('status --profile ops');
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(
      /no AWS credentials found \(profile "ops"\): set AWS_PROFILE or pass --profile/
    );
  });

  test('access denied exits 4 naming the error', async () => {
    secretsManager
      .on(ListSecretsCommand)
      .rejects(
        awsError('AccessDeniedException', 'not authorized to perform secretsmanager:ListSecrets')
      );
    const run = await cli('status');
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/AWS refused the request \(AccessDeniedException\): not authorized/);
  });

  test('throttling that outlasts the retries exits 5', async () => {
    secretsManager.on(ListSecretsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const run = await cli('status');
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/AWS throttled the CLI \(ThrottlingException\) even after retrying/);
  });

  test('an unreachable endpoint exits 1 naming it', async () => {
    secretsManager
      .on(ListSecretsCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const run = await cli('status', { env: { KEYPLANE_AWS_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach http:\/\/127.0.0.1:9 \(ECONNREFUSED\)/);
  });

  test('with --json an error is also a JSON document on stdout', async () => {
    healthyWorld();
    const run = await cli('get nobody --json');
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        kind: 'unknown-consumer',
        message: 'unknown consumer "nobody"; known consumers: acme, globex',
        exitCode: 3,
      },
    });
  });
});
