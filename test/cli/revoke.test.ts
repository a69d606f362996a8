import { InvokeCommand } from '@aws-sdk/client-lambda';
import { arnOf, cli, FUNCTION_ARN, healthyWorld, lambda, payload, resetMocks } from './fixture';

beforeEach(resetMocks);

const revoked = (answer: Record<string, unknown> = {}) =>
  lambda.on(InvokeCommand).resolves({
    Payload: payload(
      JSON.stringify({
        secretArn: arnOf('acme'),
        versionId: 'acme-v3',
        keyId: 'key-acme-3',
        revokedKeyIds: ['key-acme-1', 'key-acme-2'],
        unprovenKeyIds: [],
        ...answer,
      })
    ),
  });

describe('keyplane revoke', () => {
  test('--yes invokes the rotation function with a revoke event and reports every key', async () => {
    healthyWorld();
    revoked();
    const run = await cli('revoke acme --yes');
    expect(run.code).toBe(0);
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: FUNCTION_ARN });
    const payload = lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload;
    expect(JSON.parse(String(payload))).toEqual({ action: 'revoke', secretId: arnOf('acme') });
    expect(run.stdout).toBe(
      'acme: keys key-acme-1, key-acme-2 disabled and out of their plans; new key key-acme-3'
    );
  });

  test('--key sends that key id and reports it alone when no new key was issued', async () => {
    healthyWorld();
    revoked({ versionId: undefined, keyId: undefined, revokedKeyIds: ['key-acme-1'] });
    const run = await cli('revoke acme --yes --key key-acme-1');
    expect(run.code).toBe(0);
    const payload = lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload;
    expect(JSON.parse(String(payload))).toEqual({
      action: 'revoke',
      secretId: arnOf('acme'),
      keyId: 'key-acme-1',
    });
    expect(run.stdout).toBe('acme: key key-acme-1 disabled and out of their plans');
  });

  test('exits 1 and names keys still enabled that keyplane cannot prove it made', async () => {
    healthyWorld();
    revoked({ unprovenKeyIds: ['planted1'] });
    const run = await cli('revoke acme --yes');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /acme: still enabled, not provably keyplane's, left alone: planted1; whoever created them must disable them/
    );
  });

  test('refuses without a terminal and without --yes (exit 2), invoking nothing', async () => {
    healthyWorld();
    const run = await cli('revoke acme');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/needs confirmation: run it in a terminal, or pass --yes/);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
  });

  test('asks in a terminal, and revokes only when the consumer name is typed back', async () => {
    healthyWorld();
    revoked();
    const declined = await cli('revoke acme', { interactive: true, answer: 'yes' });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toMatch(
      /Revoke every enabled key of acme now\?[\s\S]*not confirmed; nothing was revoked/
    );
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);

    const confirmed = await cli('revoke acme --json', { interactive: true, answer: 'acme' });
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toEqual({
      consumer: 'acme',
      service: 'keyplane-prod',
      secretName: 'keyplane/prod/acme',
      revokedKeyIds: ['key-acme-1', 'key-acme-2'],
      unprovenKeyIds: [],
      keyId: 'key-acme-3',
      versionId: 'acme-v3',
    });
  });

  test("a function error becomes exit 1 with the function's message", async () => {
    healthyWorld();
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: payload(JSON.stringify({ errorMessage: 'a rotation is already in progress' })),
    });
    const run = await cli('revoke acme --yes');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/keyplane-prod-rotation failed: a rotation is already in progress/);
  });
});
