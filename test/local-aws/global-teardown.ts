/** jest globalTeardown: stops the local AWS if global-setup.ts started it (see there). */
import type { LocalAws } from '../../scripts/local-aws';
import { GLOBAL_KEY } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const aws = (globalThis as Record<string, unknown>)[GLOBAL_KEY] as LocalAws | undefined;
  await aws?.stop();
}
