import { itemsWithinBudget } from './token-budget';

describe('itemsWithinBudget', () => {
  it('keeps items while the running total fits, inclusive of the budget', () => {
    expect(itemsWithinBudget([200, 300, 1], 500)).toBe(2);
    expect(itemsWithinBudget([200, 301], 500)).toBe(1);
  });

  it('cuts at the first overflow and does not skip ahead to smaller items', () => {
    expect(itemsWithinBudget([100, 600, 10, 10], 500)).toBe(1);
  });

  it('returns 0 when the first item alone is too big, and all when everything fits', () => {
    expect(itemsWithinBudget([501], 500)).toBe(0);
    expect(itemsWithinBudget([1, 2, 3], 500)).toBe(3);
    expect(itemsWithinBudget([], 500)).toBe(0);
  });
});
