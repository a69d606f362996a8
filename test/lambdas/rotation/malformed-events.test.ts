/**
 * Malformed invocation events, one named case each: the handler rejects every one with an
 * InvalidEventError naming the field, the rule and the value (cut short, key-like runs masked),
 * before any AWS call.
 */
import { LambdaEnv } from '../../../contract';
import { InvalidEventError } from '../../../lambdas/rotation/errors';
import { handler } from '../../../lambdas/rotation/index';
import { FakeAws, REGION, OWNERSHIP_KEY_ID } from './support/fake-aws';
import { PREFIX, SERVICE, TOKEN } from './support/fixtures';
import { captureStdout, type CapturedStdout } from './support/stdout';

const fake = new FakeAws();
const context = { awsRequestId: 'req-bad', getRemainingTimeInMillis: () => 900_000 };
let stdout: CapturedStdout;

const MIB = 1024 * 1024;
/** A 1 MiB string of short path segments, so its excerpt stays readable. */
const oneMiB = 'keyplane/'.repeat(Math.ceil(MIB / 9)).slice(0, MIB);
const step = (overrides: Record<string, unknown>) => ({
  SecretId: `${PREFIX}checkout`,
  ClientRequestToken: TOKEN,
  Step: 'createSecret',
  ...overrides,
});
const withoutField = (field: string) => {
  const event: Record<string, unknown> = step({});
  delete event[field];
  return event;
};
const STEPS = '"createSecret", "setSecret", "testSecret", "finishSecret"';

beforeAll(() => {
  process.env[LambdaEnv.SERVICE] = SERVICE;
  process.env[LambdaEnv.SECRET_PREFIX] = PREFIX;
  process.env.AWS_REGION = REGION;
  process.env[LambdaEnv.OWNERSHIP_KEY_ID] = OWNERSHIP_KEY_ID;
});

beforeEach(() => {
  fake.reset();
  stdout = captureStdout();
});

afterEach(() => stdout.restore());

describe('malformed events', () => {
  test.each<[string, unknown, RegExp]>([
    // ---- not an object at all
    ['null', null, /unsupported event: expected .*; received null$/],
    ['an array', [step({})], /unsupported event: .*; received an array$/],
    ['a string', 'createSecret', /unsupported event: .*; received a string: "createSecret"$/],
    ['a number', 42, /unsupported event: .*; received a number: 42$/],
    ['an empty object', {}, /unsupported event: .*; received an empty object$/],
    [
      'unrelated fields',
      { foo: 1, bar: 'x' },
      /received an object with fields foo \(number\), bar \(string\)$/,
    ],
    // ---- action events
    [
      'an unknown action',
      { action: 'rotate' },
      /unsupported event: action must be one of "sweep", "revoke", "teardown", got "rotate"$/,
    ],
    [
      'an action of the wrong type',
      { action: 5 },
      /unsupported event: action must be one of "sweep", "revoke", "teardown", got 5$/,
    ],
    [
      'a revoke without secretId',
      { action: 'revoke' },
      /invalid revoke event: secretId must be a string, got nothing \(the field is missing\)$/,
    ],
    [
      'a revoke with an unknown field',
      { action: 'revoke', secretId: 's', force: true },
      /invalid revoke event: force is not a field of a revoke event \(remove it\)$/,
    ],
    [
      'a revoke of a 1 MiB secretId',
      { action: 'revoke', secretId: oneMiB },
      /invalid revoke event: secretId must have at most 2048 characters, got "keyplane\/keyplane\/.{30}\.\.\." \(1048576 characters\)$/,
    ],
    [
      'a sweep cursor of the wrong type',
      { action: 'sweep', cursor: 17 },
      /invalid sweep event: cursor must be a string, got 17$/,
    ],
    [
      'an oversized sweep cursor',
      { action: 'sweep', cursor: 'c/'.repeat(300) },
      /invalid sweep event: cursor must have at most 512 characters, got "c\/c\/.*\.\.\." \(600 characters\)$/,
    ],
    [
      'an empty sweep cursor',
      { action: 'sweep', cursor: '' },
      /invalid sweep event: cursor must have at least 1 characters, got ""$/,
    ],
    [
      'a teardown with an unknown Terraform action',
      { action: 'teardown', tf: { action: 'destroy' } },
      /invalid teardown event: tf.action must be one of "create", "update", "delete", got "destroy"$/,
    ],
    [
      'a teardown whose secret names are not strings',
      { action: 'teardown', secretNames: ['keyplane/dev/acme', 7] },
      /invalid teardown event: secretNames\.1 must be a string, got 7$/,
    ],
    [
      'a teardown whose tf is not an object',
      { action: 'teardown', tf: 'delete' },
      /invalid teardown event: tf must be an object, got "delete"$/,
    ],
    // ---- Secrets Manager rotation steps
    [
      'a missing Step',
      withoutField('Step'),
      new RegExp(
        `invalid rotation event: Step must be one of ${STEPS}, got nothing \\(the field is missing\\)$`
      ),
    ],
    [
      'an unknown Step',
      step({ Step: 'rotateSecret' }),
      new RegExp(`Step must be one of ${STEPS}, got "rotateSecret"$`),
    ],
    [
      'a Step of the wrong type',
      step({ Step: ['createSecret'] }),
      new RegExp(`Step must be one of ${STEPS}, got an array of 1 item\\(s\\)$`),
    ],
    [
      'a missing SecretId',
      withoutField('SecretId'),
      /invalid rotation event: SecretId must be a string, got nothing \(the field is missing\)$/,
    ],
    [
      'a numeric SecretId',
      step({ SecretId: 7 }),
      /invalid rotation event: SecretId must be a string, got 7$/,
    ],
    [
      'an empty SecretId',
      step({ SecretId: '' }),
      /invalid rotation event: SecretId must have at least 1 characters, got ""$/,
    ],
    [
      'a 1 MiB SecretId',
      step({ SecretId: oneMiB }),
      /invalid rotation event: SecretId must have at most 2048 characters, got "keyplane\/.{39}\.\.\." \(1048576 characters\)$/,
    ],
    [
      'a missing ClientRequestToken',
      withoutField('ClientRequestToken'),
      /ClientRequestToken must be a string, got nothing \(the field is missing\)$/,
    ],
    [
      'a null ClientRequestToken',
      step({ ClientRequestToken: null }),
      /ClientRequestToken must be a string, got null$/,
    ],
    [
      'a short ClientRequestToken',
      step({ ClientRequestToken: 'abc' }),
      /ClientRequestToken must have at least 32 characters, got "abc"$/,
    ],
    [
      'a 1 MiB ClientRequestToken',
      step({ ClientRequestToken: oneMiB }),
      /ClientRequestToken must have at most 64 characters, got "keyplane\/.*\.\.\." \(1048576 characters\)$/,
    ],
    [
      'a ClientRequestToken with a space',
      step({ ClientRequestToken: `${TOKEN} x` }),
      /ClientRequestToken must hold only letters, digits and _ \. : \/ = \+ - @, got "0a1b2c3d-1111-4222-8333-444455556666 x"$/,
    ],
    [
      'several broken fields at once',
      { SecretId: 1, ClientRequestToken: 2, Step: 3 },
      /SecretId must be a string, got 1; ClientRequestToken must be a string, got 2; Step must be one of .*, got 3$/,
    ],
  ])('rejects %s before any AWS call', async (_case, event, message) => {
    const failure = handler(event, context);
    await expect(failure).rejects.toThrow(InvalidEventError);
    await expect(failure).rejects.toThrow(message);
    expect(fake.calls()).toEqual([]);
  });
});
