import {
  checkHealth,
  describeTarget,
  HEALTH_CHECK_TIMEOUT_MS,
} from '../../../lambdas/rotation/health-check';
import type { HttpGet } from '../../../lambdas/rotation/runtime';

describe('checkHealth', () => {
  test('sends the key in x-api-key with a timeout and no redirects', async () => {
    const httpGet = jest.fn<ReturnType<HttpGet>, Parameters<HttpGet>>(() =>
      Promise.resolve({ status: 204 })
    );

    await expect(checkHealth(httpGet, 'https://h/x', 'KEY')).resolves.toEqual({
      ok: true,
      status: 204,
    });
    const init = httpGet.mock.calls[0][1];
    expect(init.headers).toEqual({ 'x-api-key': 'KEY' });
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(HEALTH_CHECK_TIMEOUT_MS).toBe(5000);
  });

  test('403 is a rejection; other answers, redirects included, are not', async () => {
    await expect(checkHealth(() => Promise.resolve({ status: 403 }), 'u', 'k')).resolves.toEqual({
      ok: false,
      detail: 'answered 403: the key was rejected',
    });
    await expect(
      checkHealth(() => Promise.resolve({ status: 302 }), 'u', 'k')
    ).resolves.toMatchObject({
      ok: true,
    });
  });

  test('an unreachable URL is a failure named by the error type only', async () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    await expect(checkHealth(() => Promise.reject(timeout), 'u', 'k')).resolves.toEqual({
      ok: false,
      detail: 'could not be reached (TimeoutError)',
    });
  });
});

describe('describeTarget', () => {
  test('drops query and fragment', () => {
    expect(describeTarget('https://api.example.com:8443/a/b?token=x#f')).toBe(
      'https://api.example.com:8443/a/b'
    );
    expect(describeTarget('::')).toBe('(invalid URL)');
  });
});
