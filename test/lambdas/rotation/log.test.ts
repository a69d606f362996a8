import { generateKeyValue } from '../../../lambdas/rotation/key-value';
import { createLogger, setInvocationLogFields } from '../../../lambdas/rotation/log';
import { captureStdout, logLines } from './support/stdout';

describe('createLogger', () => {
  let stdout: ReturnType<typeof captureStdout>;
  const level = process.env.AWS_LAMBDA_LOG_LEVEL;

  beforeEach(() => {
    stdout = captureStdout();
    delete process.env.AWS_LAMBDA_LOG_LEVEL;
    setInvocationLogFields({});
  });

  afterEach(() => {
    stdout.restore();
    if (level === undefined) delete process.env.AWS_LAMBDA_LOG_LEVEL;
    else process.env.AWS_LAMBDA_LOG_LEVEL = level;
  });

  test('writes one JSON line with level, module, message, invocation fields and fields', () => {
    setInvocationLogFields({ requestId: 'req-1' });
    createLogger('setSecret').info('added to plans', { keyId: 'k1', plans: 2 });

    expect(stdout.lines()).toHaveLength(1);
    expect(logLines(stdout)[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      module: 'setSecret',
      message: 'added to plans',
      requestId: 'req-1',
      keyId: 'k1',
      plans: 2,
    });
  });

  test('never writes a key value, passed in a value field, a message, an error or a nested field', () => {
    const key = generateKeyValue('ordK');
    const log = createLogger('test');

    log.info(`the key is ${key}`, { value: key });
    log.warn('nested', { detail: { note: `see ${key}` }, list: [key] });
    log.error('failed', { error: new Error(`rejected ${key}`) });

    expect(stdout.lines()).toHaveLength(3);
    expect(stdout.text()).not.toContain(key);
    expect(stdout.text()).not.toContain(key.slice(4, 30));
    expect(stdout.text()).toContain('[REDACTED]');
  });

  test('drops debug lines unless AWS_LAMBDA_LOG_LEVEL asks for them', () => {
    const log = createLogger('test');
    log.debug('hidden');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'DEBUG';
    log.debug('shown');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'ERROR';
    log.warn('hidden too');

    expect(logLines(stdout).map((line) => line.message)).toEqual(['shown']);
  });
});
