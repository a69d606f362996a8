import { withoutCreationStacks } from '../../app/creation-stacks';

describe('withoutCreationStacks', () => {
  test('a stack read inside is empty, as cdktf reads a new token creation stack', () => {
    const stack = withoutCreationStacks(() => new Error('token').stack);
    expect(stack).toBe('');
  });

  test('an error thrown inside keeps its stack, read after the formatter is back', () => {
    const format = Error.prepareStackTrace;
    let thrown: Error | undefined;
    try {
      withoutCreationStacks(() => {
        throw new Error('a bug in the app');
      });
    } catch (error) {
      thrown = error as Error;
    }
    expect(Error.prepareStackTrace).toBe(format);
    expect(thrown?.stack).toMatch(/^Error: a bug in the app\n\s+at /);
  });
});
