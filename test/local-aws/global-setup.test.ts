/**
 * When global-setup.ts is wired in, this checks what it hands to test files; on its own
 * (this folder run without globalSetup) it checks startLocalAws() honours the endpoint.
 */
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

test('test files reach the local AWS through the environment alone', async () => {
  const endpoint = process.env.KEYPLANE_AWS_ENDPOINT;
  if (!endpoint) return; // not wired through global-setup.ts in this run
  expect(process.env.AWS_ENDPOINT_URL).toBe(endpoint);
  // No endpoint or credentials passed: the SDK picks them up from the environment.
  const sm = new SecretsManagerClient({});
  await expect(sm.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
  sm.destroy();
});
