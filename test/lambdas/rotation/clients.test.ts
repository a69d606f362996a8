import * as http from 'http';
import type { AddressInfo } from 'net';
import { GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { ApiKeyStore } from '../../../lambdas/rotation/api-key-store';
import {
  createClients,
  MAX_ATTEMPTS,
  REQUEST_TIMEOUT_MS,
  RETRY_MODE,
} from '../../../lambdas/rotation/clients';
import { ApiGatewayPacer } from '../../../lambdas/rotation/pacing';
import { SecretStore } from '../../../lambdas/rotation/secret-store';

interface CannedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** An HTTP handler that answers with canned responses and records the requests. */
function cannedHttp(responses: CannedResponse[]): {
  requests: { method: string; path: string }[];
  handler: { handle: (request: { method: string; path: string }) => Promise<unknown> };
} {
  const requests: { method: string; path: string }[] = [];
  return {
    requests,
    handler: {
      handle: (request) => {
        requests.push({ method: request.method, path: request.path });
        const next = responses.shift();
        if (next === undefined) return Promise.reject(new Error('no more canned responses'));
        return Promise.resolve({
          response: {
            statusCode: next.statusCode,
            headers: next.headers,
            body: Buffer.from(next.body),
          },
        });
      },
    },
  };
}

const apiGatewayThrottled: CannedResponse = {
  statusCode: 429,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
  body: '{"message":"Too Many Requests"}',
};
const secretsManagerThrottled: CannedResponse = {
  statusCode: 400,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: '{"__type":"ThrottlingException","message":"Rate exceeded"}',
};

const base = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
};

describe('createClients', () => {
  afterEach(() => jest.restoreAllMocks());

  test('uses the SDK adaptive retry mode with a bounded number of attempts', async () => {
    const { apiGateway, secretsManager } = createClients(base);
    for (const config of [apiGateway.config, secretsManager.config]) {
      await expect(config.maxAttempts()).resolves.toBe(MAX_ATTEMPTS);
      const mode = config.retryMode;
      await expect(typeof mode === 'function' ? mode() : Promise.resolve(mode)).resolves.toBe(
        RETRY_MODE
      );
    }
    expect(RETRY_MODE).toBe('adaptive');
  });

  test('API Gateway: throttled, then success, through the SDK retry', async () => {
    const http = cannedHttp([
      apiGatewayThrottled,
      {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"item":[{"id":"k1","name":"checkout-1","enabled":true,"tags":{}}]}',
      },
    ]);
    const { apiGateway } = createClients({ ...base, requestHandler: http.handler });

    const keys = await new ApiKeyStore(apiGateway, 'eu-west-1').listAll();

    expect(keys.map((key) => key.id)).toEqual(['k1']);
    expect(http.requests).toHaveLength(2);
    expect(http.requests[0]).toEqual({ method: 'GET', path: '/apikeys' });
  });

  test('Secrets Manager: throttled twice, then success', async () => {
    const http = cannedHttp([
      secretsManagerThrottled,
      secretsManagerThrottled,
      {
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: '{"ARN":"arn:aws:secretsmanager:eu-west-1:1:secret:s-AbC","Name":"s","RotationEnabled":true}',
      },
    ]);
    const { secretsManager } = createClients({ ...base, requestHandler: http.handler });

    const state = await new SecretStore(secretsManager).describe('s');

    expect(state).toMatchObject({ name: 's', rotationEnabled: true });
    expect(http.requests).toHaveLength(3);
  });

  test('gives up after the last attempt with the service error', async () => {
    const http = cannedHttp([apiGatewayThrottled, apiGatewayThrottled]);
    const { apiGateway } = createClients({ ...base, requestHandler: http.handler, maxAttempts: 2 });

    await expect(apiGateway.send(new GetApiKeysCommand({}))).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
    expect(http.requests).toHaveLength(2);
  });

  test('fails an attempt that gets no answer after the request timeout instead of hanging', async () => {
    // GIVEN a server that accepts requests and never answers
    const silent = http.createServer(() => undefined);
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    const { port } = silent.address() as AddressInfo;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${port}`;
    try {
      const { secretsManager } = createClients({ ...base, maxAttempts: 1 });
      const started = Date.now();

      // WHEN a call is made
      const call = secretsManager.send(new DescribeSecretCommand({ SecretId: 's' }));

      // THEN it fails with the SDK's TimeoutError once the request timeout has passed
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      silent.closeAllConnections();
      silent.close();
    }
  }, 20_000);

  test('paces every API Gateway call by operation, once per call, not per retry', async () => {
    const acquire = jest.spyOn(ApiGatewayPacer.prototype, 'acquire');
    const http = cannedHttp([
      apiGatewayThrottled,
      { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"item":[]}' },
    ]);
    const { apiGateway } = createClients({ ...base, requestHandler: http.handler });

    await apiGateway.send(new GetApiKeysCommand({}));

    expect(acquire).toHaveBeenCalledTimes(1);
    expect(acquire).toHaveBeenCalledWith('GetApiKeys');
  });

  test('paces API Gateway in every region at the limits it is given (a container`s share)', async () => {
    const ok = {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"item":[]}',
    };
    const http = cannedHttp([ok, ok, ok, ok]);
    const { apiGateway, apiGatewayIn } = createClients(
      { ...base, requestHandler: http.handler },
      { all: { ratePerSecond: 20, burst: 1 }, perOperation: {} }
    );

    for (const client of [apiGateway, apiGatewayIn('us-east-1')]) {
      const started = Date.now();
      await client.send(new GetApiKeysCommand({}));
      await client.send(new GetApiKeysCommand({}));
      // A burst of 1 at 20/s: the second call waits its 50 ms, whatever the machine's speed.
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    }
    expect(http.requests).toHaveLength(4);
  });

  test('does not pace Secrets Manager', async () => {
    const acquire = jest.spyOn(ApiGatewayPacer.prototype, 'acquire');
    const http = cannedHttp([
      { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{}' },
    ]);
    const { secretsManager } = createClients({ ...base, requestHandler: http.handler });

    await secretsManager.send(new DescribeSecretCommand({ SecretId: 's' }));

    expect(acquire).not.toHaveBeenCalled();
  });
});
