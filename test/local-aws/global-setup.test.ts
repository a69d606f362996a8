/**
 * What global-setup.ts (wired into the e2e project in jest.config.js) hands to test files: the
 * local AWS's endpoint and credentials in the environment, enough for an SDK client alone.
 */
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

test('test files reach the local AWS through the environment alone', async () => {
  const endpoint = process.env.KEYPLANE_AWS_ENDPOINT;
  expect(endpoint).toMatch(/^https?:\/\/./);
  expect(process.env.AWS_ENDPOINT_URL).toBe(endpoint);
  // No endpoint or credentials passed: the SDK picks them up from the environment.
  const sm = new SecretsManagerClient({});
  await expect(sm.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
  sm.destroy();
});
