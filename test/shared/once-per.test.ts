import { describe, expect, it } from 'vitest';
import { oncePer } from '../../harness/shared/once-per.js';

describe('oncePer', () => {
  it('derives once per object, apart for each object, and remembers undefined too', () => {
    let calls = 0;
    const lengthOf = oncePer((xs: readonly number[]) => (calls++, xs.length === 0 ? undefined : xs.length));
    const a = [1, 2, 3];
    const empty: number[] = [];
    expect([lengthOf(a), lengthOf(a), lengthOf([1, 2, 3])]).toEqual([3, 3, 3]);
    expect(calls).toBe(2);
    expect([lengthOf(empty), lengthOf(empty)]).toEqual([undefined, undefined]);
    expect(calls).toBe(3);
  });
});
