import { assessHealth, type HealthInput } from '../../cli/health';

const NOW = new Date('2026-06-15T12:00:00Z');
const HOUR = 3600_000;
const healthy: HealthInput = {
  rotationEnabled: true,
  lastRotated: new Date('2026-06-10T00:00:00Z'),
  nextRotation: new Date('2026-07-10T00:00:00Z'),
  currentVersion: 'v2',
  bootstrap: false,
  current: { keyId: 'k2', enabled: true },
  overdueMarginMs: 48 * 3600_000,
};
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('assessHealth', () => {
  test.each<[string, Partial<HealthInput>, string]>([
    ['a current, enabled key and a future rotation', {}, 'ok'],
    [
      'a pending version younger than the threshold',
      { pending: { versionId: 'v3', createdDate: ago(HOUR / 2) } },
      'rotating',
    ],
    [
      'a pending version older than the threshold',
      { pending: { versionId: 'v3', createdDate: ago(2 * HOUR) } },
      'failing',
    ],
    ['a pending version of unknown age', { pending: { versionId: 'v3' } }, 'rotating'],
    [
      'a rotation overdue by more than the 2-day margin',
      { nextRotation: ago(49 * HOUR) },
      'failing',
    ],
    [
      "a rotation overdue by less than the 2-day margin (the alarm's)",
      { nextRotation: ago(47 * HOUR) },
      'ok',
    ],
    ['AWSCURRENT on the bootstrap version', { bootstrap: true, current: undefined }, 'no-key'],
    ['the current key missing', { current: undefined }, 'broken'],
    ['the current key disabled', { current: { keyId: 'k2', enabled: false } }, 'broken'],
    ['no AWSCURRENT at all', { currentVersion: undefined }, 'broken'],
    ['rotation disabled', { rotationEnabled: false }, 'rotation-off'],
    [
      'a rotation overdue by 13 hours, the service deployed with a 12-hour margin',
      { nextRotation: ago(13 * HOUR), overdueMarginMs: 12 * HOUR },
      'failing',
    ],
  ])('%s: %s', (_what, change, state) => {
    expect(assessHealth({ ...healthy, ...change }, NOW, HOUR).state).toBe(state);
  });

  test('the reason names the stuck version and since when', () => {
    const health = assessHealth(
      { ...healthy, pending: { versionId: 'v3', createdDate: ago(2 * HOUR) } },
      NOW,
      HOUR
    );
    expect(health.reason).toBe(
      'AWSPENDING stuck on version v3 since 2026-06-15T10:00:00.000Z: the last rotation did not finish'
    );
  });
});
