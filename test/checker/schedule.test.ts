/** Who searches when: the turns, the shared memory budget and the stops, with stand-in searches. */
import { describe, expect, it } from 'vitest';
import { searchOneByOne, searchSideBySide, type Searchable } from '../../harness/checker/schedule.js';
import type { SearchStatus } from '../../harness/checker/search.js';

/** A search that needs `turns` turns, growing by `grow` bytes a turn while its bound allows, then ends as `verdict`. */
function stand(turns: number, grow: number, verdict: SearchStatus = 'linearizable') {
  const s = {
    status: 'running' as SearchStatus,
    bytes: 0,
    maxBytes: Infinity,
    done: 0,
    released: false,
    run(): SearchStatus {
      if (s.released) throw new Error('ran after release');
      if (s.bytes + grow > s.maxBytes) return (s.status = 'memory-budget');
      s.status = 'running';
      s.bytes += grow;
      if (++s.done === turns) s.status = verdict;
      return s.status;
    },
    release() {
      s.released = true;
      s.bytes = 0;
    },
  };
  return s satisfies Searchable;
}

const turns = (budget: number, clock = { t: 0 }) => ({ budget, slice: 1, now: () => clock.t++ });

/** The count and the maker the scheduler takes, for searches made already. */
const of = (parts: Searchable[]) => [parts.length, (i: number) => parts[i]!] as const;

describe('searching side by side', () => {
  it('decides every part when they fit together', () => {
    const parts = [stand(3, 10), stand(5, 10), stand(1, 10)];
    expect(searchSideBySide(...of(parts), Infinity, turns(100))).toEqual(['done', 'done', 'done']);
    expect(parts.every((p) => p.status === 'linearizable' && p.released)).toBe(true);
  });

  it('when a part reaches the shared budget, the part holding the most is given up and the other goes on', () => {
    // Rounds: small 3, big 10 | 6, 20 | 9, 30 | small needs 12 with 30 held elsewhere: big goes.
    const small = stand(5, 3);
    const big = stand(10, 10);
    expect(searchSideBySide(...of([small, big]), Infinity, turns(40))).toEqual(['done', 'memory-budget']);
    expect(small.status).toBe('linearizable');
    expect(big.done).toBe(3);
  });

  it('a part that reaches the budget while holding the most is the one given up', () => {
    const small = stand(5, 3);
    const big = stand(10, 10);
    expect(searchSideBySide(...of([big, small]), Infinity, turns(35))).toEqual(['memory-budget', 'done']);
    expect(small.status).toBe('linearizable');
  });

  it('stops at the first part found not linearizable, leaving the rest not checked, and tells the other threads', () => {
    let told = 0;
    const parts = [stand(4, 1), stand(2, 1, 'illegal'), stand(9, 1)];
    expect(searchSideBySide(...of(parts), Infinity, { ...turns(100), stop: () => told++ })).toEqual(['not-checked', 'done', 'not-checked']);
    expect(told).toBe(1);
    expect(parts.every((p) => p.released)).toBe(true);
  });

  it('stops when another thread found a part not linearizable', () => {
    let looks = 0;
    const parts = [stand(4, 1), stand(9, 1)];
    expect(searchSideBySide(...of(parts), Infinity, { ...turns(100), stopped: () => ++looks > 3 })).toEqual(['not-checked', 'not-checked']);
    expect(parts[0]!.done + parts[1]!.done).toBe(4);
  });

  it('when the heap is nearly full (the states a model keeps are not in the budget), the part holding the most is given up', () => {
    const small = stand(6, 1);
    const big = stand(20, 10);
    let looks = 0;
    const heapFull = () => ++looks === 5;
    expect(searchSideBySide(...of([small, big]), Infinity, { ...turns(1000), heapFull })).toEqual(['done', 'heap-limit']);
    expect(big.released).toBe(true);
    expect(small.status).toBe('linearizable');
  });

  it('makes each search at its first turn, reading the clock between: parts not reached by the deadline are never made', () => {
    const clock = { t: 0 };
    const made: number[] = [];
    const parts = [stand(100, 1), stand(100, 1), stand(100, 1), stand(100, 1)];
    const make = (i: number) => {
      made.push(i);
      clock.t += 5; // setting a search up takes time too
      return parts[i]!;
    };
    expect(searchSideBySide(parts.length, make, 12, turns(100, clock))).toEqual(['time-limit', 'time-limit', 'time-limit', 'time-limit']);
    // Made at 5 and 11 (the clock then says 5 and 11: go on), the third at 17: past it, stop.
    expect(made).toEqual([0, 1, 2]);
  });

  it('leaves undecided parts at the deadline, and decided ones decided', () => {
    const clock = { t: 0 };
    const parts = [stand(1, 1), stand(50, 1)];
    expect(searchSideBySide(...of(parts), 10, turns(100, clock))).toEqual(['done', 'time-limit']);
    expect(parts[1]!.status).toBe('running');
  });
});

describe('searching one by one', () => {
  it('gives each part its own time limit and the whole budget', () => {
    const clock = { t: 0 };
    const parts = [stand(50, 1), stand(3, 30), stand(4, 30)];
    expect(searchOneByOne(...of(parts), 10, turns(100, clock))).toEqual(['time-limit', 'done', 'memory-budget']);
    expect(parts[0]!.done).toBe(10);
    expect(parts.every((p) => p.released)).toBe(true);
  });

  it('gives up the part it is on when the heap is nearly full, and goes on with the next', () => {
    let looks = 0;
    const parts = [stand(50, 1), stand(3, 1)];
    expect(searchOneByOne(...of(parts), 0, { ...turns(100), heapFull: () => ++looks === 4 })).toEqual(['heap-limit', 'done']);
    expect(parts[0]!.done).toBe(4);
  });
});
