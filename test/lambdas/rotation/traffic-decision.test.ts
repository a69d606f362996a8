import {
  decideRetirement,
  diffTraffic,
  formatMark,
  leaderOf,
  parseMark,
  sampleFrom,
  type RetirementInput,
} from '../../../lambdas/rotation/traffic-decision';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const HOUR = 3600 * 1000;
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);

describe('usage mark', () => {
  test('round-trips through its tag value, and anything else reads as no mark', () => {
    const mark = { day: '2026-11-30', outgoing: 12, current: 3, since: at(-2 * HOUR) };
    expect(parseMark(formatMark(mark))).toEqual(mark);
    expect(formatMark(mark)).toBe('2026-11-30 12 3 2026-11-30T10:00:00.000Z');
    for (const bad of [undefined, '', '2026-11-30 12 3', '2026-11-30 x 3 2026-11-30T10:00:00Z'])
      expect(parseMark(bad)).toBeUndefined();
  });

  test('counts of many digits read back; text around the mark makes it unreadable', () => {
    const mark = { day: '2026-11-30', outgoing: 120, current: 345, since: at(-2 * HOUR) };
    expect(parseMark(formatMark(mark))).toEqual(mark);
    expect(parseMark(`x${formatMark(mark)}`)).toBeUndefined();
    expect(parseMark(`${formatMark(mark)} x`)).toBeUndefined();
  });

  test('the next reading starts at the mark day, or today without a usable mark', () => {
    const mark = { day: '2026-11-28', outgoing: 0, current: 0, since: NOW };
    expect(sampleFrom(mark, '2026-11-30')).toBe('2026-11-28');
    expect(sampleFrom(undefined, '2026-11-30')).toBe('2026-11-30');
    expect(sampleFrom({ ...mark, day: '2026-12-01' }, '2026-11-30')).toBe('2026-11-30');
  });
});

describe('diffTraffic', () => {
  const sample = {
    today: '2026-11-30',
    outgoingSince: 10,
    currentSince: 40,
    outgoingToday: 10,
    currentToday: 40,
  };

  test('without a mark the outgoing traffic is unknown (the day holds pre-rotation requests)', () => {
    const delta = diffTraffic(undefined, sample, NOW);
    expect(delta.outgoing).toBeUndefined();
    expect(delta.mark).toEqual({ day: '2026-11-30', outgoing: 10, current: 40, since: NOW });
  });

  test('the same day: the requests since the mark', () => {
    const mark = { day: '2026-11-30', outgoing: 10, current: 25, since: at(-HOUR) };
    expect(diffTraffic(mark, sample, NOW)).toMatchObject({
      outgoing: 0,
      current: 15,
      mark: { since: at(-HOUR) },
    });
  });

  test('across midnight: the reading covers the mark day and today', () => {
    const mark = { day: '2026-11-29', outgoing: 7, current: 0, since: at(-HOUR) };
    const later = { ...sample, outgoingSince: 9, outgoingToday: 2, currentSince: 40 };
    expect(diffTraffic(mark, later, NOW)).toMatchObject({
      outgoing: 2,
      current: 40,
      mark: { day: '2026-11-30', outgoing: 2, current: 40 },
    });
  });

  test('a mark from a later day or a later time (not ours) does not count as a reading', () => {
    const laterDay = { day: '2026-12-01', outgoing: 0, current: 0, since: at(-HOUR) };
    expect(diffTraffic(laterDay, sample, NOW).outgoing).toBeUndefined();
    const laterTime = { day: '2026-11-30', outgoing: 0, current: 0, since: at(HOUR) };
    expect(diffTraffic(laterTime, sample, NOW).mark.since).toEqual(NOW);
  });

  test('a mark above the counters (not ours) makes the outgoing traffic unknown, never quiet', () => {
    const forged = { day: '2026-11-30', outgoing: 99, current: 0, since: at(-100 * HOUR) };
    expect(diffTraffic(forged, sample, NOW).outgoing).toBeUndefined();
  });
});

describe('leaderOf', () => {
  test('the key with more requests since the last sweep; the new key on a tie', () => {
    expect(leaderOf({ outgoing: 5, current: 1 })).toBe('outgoing');
    expect(leaderOf({ outgoing: 1, current: 5 })).toBe('current');
    expect(leaderOf({ outgoing: 0, current: 0 })).toBe('current');
  });

  test('unknown outgoing traffic: the outgoing key leads until the new one is used', () => {
    expect(leaderOf({ current: 0 })).toBe('outgoing');
    expect(leaderOf({ current: 3 })).toBe('current');
  });
});

describe('decideRetirement', () => {
  const base: RetirementInput = {
    now: NOW,
    retireAfter: at(10 * HOUR),
    readSince: at(-8 * HOUR),
    quietPeriodSeconds: 6 * 3600,
    maxHoldSeconds: 3 * 24 * 3600,
  };

  test('early retire: quiet since the first reading for the quiet period', () => {
    expect(decideRetirement({ ...base, movedNow: false })).toEqual({
      kind: 'retire',
      reason: 'quiet',
    });
  });

  test('no early retirement while traffic is recent, moving, or unknown, or with quiet 0', () => {
    expect(decideRetirement({ ...base, movedNow: false, lastTraffic: at(-HOUR) })).toEqual({
      kind: 'keep',
    });
    expect(decideRetirement({ ...base, movedNow: true })).toEqual({ kind: 'keep' });
    expect(decideRetirement(base)).toEqual({ kind: 'keep' });
    expect(decideRetirement({ ...base, movedNow: false, quietPeriodSeconds: 0 })).toEqual({
      kind: 'keep',
    });
  });

  test('hold: still used when the grace period ends, since the first hold', () => {
    const ended = { ...base, retireAfter: at(-HOUR) };
    expect(decideRetirement({ ...ended, movedNow: true })).toEqual({ kind: 'hold', since: NOW });
    expect(
      decideRetirement({
        ...ended,
        movedNow: false,
        lastTraffic: at(-2 * HOUR),
        heldSince: at(-HOUR),
      })
    ).toEqual({ kind: 'hold', since: at(-HOUR) });
  });

  test('retired at the end of the grace period when quiet, unknown, or holds are off', () => {
    const ended = { ...base, retireAfter: at(-HOUR) };
    const expired = { kind: 'retire', reason: 'expired' };
    expect(decideRetirement({ ...ended, movedNow: false, lastTraffic: at(-7 * HOUR) })).toEqual(
      expired
    );
    expect(decideRetirement(ended)).toEqual(expired);
    expect(decideRetirement({ ...ended, movedNow: true, maxHoldSeconds: 0 })).toEqual(expired);
  });

  test('boundaries: quiet for exactly the quiet period; grace ends at retireAfter itself', () => {
    expect(decideRetirement({ ...base, movedNow: false, readSince: at(-6 * HOUR) })).toEqual({
      kind: 'retire',
      reason: 'quiet',
    });
    const endsNow = { ...base, retireAfter: NOW };
    expect(decideRetirement(endsNow)).toEqual({ kind: 'retire', reason: 'expired' });
    // Last traffic exactly a quiet period ago is not recent: no hold.
    expect(decideRetirement({ ...endsNow, movedNow: false, lastTraffic: at(-6 * HOUR) })).toEqual({
      kind: 'retire',
      reason: 'expired',
    });
  });

  test('a hold ends at grace + the maximum hold: retired though still used', () => {
    const held = { ...base, retireAfter: at(-3 * 24 * HOUR), movedNow: true, heldSince: at(-HOUR) };
    expect(decideRetirement(held)).toEqual({ kind: 'retire', reason: 'hold-ended' });
  });
});
