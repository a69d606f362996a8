import { NotFoundException } from '@aws-sdk/client-api-gateway';
import { isAwsError } from '../../../lambdas/rotation/aws-errors';

describe('isAwsError', () => {
  test('matches SDK exceptions and deserialized errors by name', () => {
    expect(
      isAwsError(new NotFoundException({ message: 'x', $metadata: {} }), 'NotFoundException')
    ).toBe(true);
    const deserialized = Object.assign(new Error('x'), { name: 'ConflictException' });
    expect(isAwsError(deserialized, 'ConflictException')).toBe(true);
    expect(isAwsError(deserialized, 'NotFoundException')).toBe(false);
    expect(isAwsError({ name: 'NotFoundException' }, 'NotFoundException')).toBe(false);
  });
});
