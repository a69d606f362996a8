import {
  decodeCursor,
  decodeCursorRegion,
  encodeCursor,
} from '../../../lambdas/rotation/sweep-cursor';

describe('sweep cursor', () => {
  test('round-trips the last key id', () => {
    const cursor = encodeCursor('abc123XYZ');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe('abc123XYZ');
  });

  test("'' means from the beginning; no cursor too", () => {
    expect(decodeCursor(encodeCursor(''))).toBe('');
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  test.each([
    ['not base64 JSON', 'garbage!'],
    ['another version', Buffer.from('{"v":2,"after":"abc"}').toString('base64url')],
    ['a non-id', Buffer.from('{"v":1,"after":"a/b"}').toString('base64url')],
  ])('fails for %s', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      /invalid sweep event: cursor is not one a previous sweep returned; omit it to start over/
    );
  });

  test("names the further region a sweep stopped in; none for the function's own", () => {
    const cursor = encodeCursor('abc', 'us-east-2');
    expect(decodeCursor(cursor)).toBe('abc');
    expect(decodeCursorRegion(cursor)).toBe('us-east-2');
    expect(decodeCursorRegion(encodeCursor('abc'))).toBeUndefined();
    expect(decodeCursorRegion(undefined)).toBeUndefined();
  });

  test('fails for a region that is not one', () => {
    const cursor = Buffer.from('{"v":1,"after":"abc","region":"../x"}').toString('base64url');
    expect(() => decodeCursorRegion(cursor)).toThrow(/cursor is not one a previous sweep returned/);
  });
});
