import { WorkBudget } from '../../../lambdas/rotation/work-budget';

describe('WorkBudget', () => {
  test('affords work up to the limit', () => {
    const budget = new WorkBudget(5, undefined, () => 0);
    expect(budget.canAfford(3)).toBe(true);
    budget.spend(3);
    expect(budget.canAfford(2)).toBe(true);
    expect(budget.canAfford(3)).toBe(false);
    expect(budget.mutatingCalls).toBe(3);
  });

  test('always affords the first piece of work, however large', () => {
    const budget = new WorkBudget(2, undefined, () => 0);
    expect(budget.canAfford(10)).toBe(true);
  });

  test('is out of time at the deadline, never without one', () => {
    let now = 0;
    const budget = new WorkBudget(5, 1000, () => now);
    expect(budget.outOfTime()).toBe(false);
    now = 1000;
    expect(budget.outOfTime()).toBe(true);
    expect(new WorkBudget(5, undefined, () => 1e15).outOfTime()).toBe(false);
  });
});
