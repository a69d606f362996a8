import {
  ConfigurationError,
  InvalidEventError,
  planConflict,
  RotationError,
  stepFailed,
  tokenNotPending,
} from '../../../lambdas/rotation/errors';
import { generateKeyValue } from '../../../lambdas/rotation/key-value';

describe('errors', () => {
  test('each class sets its name', () => {
    expect(new ConfigurationError('x').name).toBe('ConfigurationError');
    expect(new InvalidEventError('x').name).toBe('InvalidEventError');
    expect(new RotationError('s', 'setSecret', 'x').name).toBe('RotationError');
  });

  test('a RotationError names the secret and the operation, and keeps its cause', () => {
    const cause = new Error('underlying');
    const error = new RotationError('arn:s', 'finishSecret', 'could not move AWSCURRENT', {
      cause,
    });
    expect(error.message).toBe('arn:s finishSecret: could not move AWSCURRENT');
    expect(error).toMatchObject({ secretId: 'arn:s', operation: 'finishSecret', cause });
  });

  test('a plan conflict names the plan and the key, and masks anything key-like in the reason AWS gives', () => {
    const value = generateKeyValue('');
    const message = planConflict('arn:s', 'setSecret', {
      planId: 'plan1',
      keyId: 'k1',
      reason: `key ${value} is already in a plan of stage prod`,
    }).message;
    expect(message).toMatch(/refused to add key k1 to usage plan plan1/);
    expect(message).toMatch(/already in a plan of stage prod/);
    expect(message).not.toContain(value);
  });

  test('says what was expected', () => {
    expect(tokenNotPending('arn:s', 'testSecret', 'v2', []).message).toBe(
      'arn:s testSecret: version v2 is not staged AWSPENDING (it has no staging labels); expected AWSPENDING'
    );
  });

  test('stepFailed masks a key value that an underlying message might carry', () => {
    const key = generateKeyValue('ordK');
    const error = stepFailed('arn:s', 'createSecret', new Error(`API key ${key} already exists`));
    expect(error.message).toBe('arn:s createSecret: Error: API key [REDACTED] already exists');
    expect(stepFailed('arn:s', 'sweep', 'a string').message).toBe('arn:s sweep: unknown failure');
  });
});
