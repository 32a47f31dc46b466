/**
 * Who searches when: the parts of a history take turns, a slice of steps each, under one clock
 * and one memory budget. Pure but for the clock and the stop hooks it is given (for parts searched
 * in other threads too): it knows searches only as `Searchable`.
 */
import type { SearchStatus } from './search.js';

export interface Searchable {
  readonly status: SearchStatus;
  /** Bytes it holds now. */
  readonly bytes: number;
  /** The most it may hold. */
  maxBytes: number;
  /** At most `steps` steps; a search paused at 'memory-budget' tries again from where it stopped. */
  run(steps: number): SearchStatus;
  release(): void;
}

/** How a part's search ended: decided ('done'), or why not. */
export type Outcome = 'done' | 'time-limit' | 'memory-budget' | 'heap-limit' | 'not-checked';

export interface Turns {
  /** Bytes all the searches here may hold at once. */
  budget: number;
  now(): number;
  /** Steps a search takes per turn, between two looks at the clock. */
  slice: number;
  /** Whether another thread has found a part not linearizable. */
  stopped?(): boolean;
  /** Called on finding a part not linearizable. */
  stop?(): void;
  /** Whether the process's heap is nearly full (what `budget` does not count: the states kept). */
  heapFull?(): boolean;
}

/**
 * Side by side, round-robin, until every part is decided, one is found not linearizable (the
 * rest are then 'not-checked': one illegal part decides the verdict, and some parts of a bad
 * history are out of reach of any exhaustive search), or the clock reaches `deadline`. The parts
 * share the budget: each may grow into what the others leave, and when one reaches it, the part
 * holding the most is given up (a small part is not sacrificed to a big one).
 */
export function searchSideBySide(searches: readonly Searchable[], deadline: number, t: Turns): Outcome[] {
  const outcome: (Outcome | undefined)[] = searches.map((s) => (s.status === 'running' ? undefined : 'done'));
  let active = searches.map((_, i) => i).filter((i) => outcome[i] === undefined);
  let held = active.reduce((sum, i) => sum + searches[i]!.bytes, 0);
  let stop: 'illegal' | 'time-limit' | undefined;
  while (active.length > 0 && !stop) {
    const still: number[] = [];
    for (const i of active) {
      if (outcome[i] !== undefined) continue; // given up earlier in this round
      const s = searches[i]!;
      held -= s.bytes;
      s.maxBytes = t.budget - held;
      const status = s.run(t.slice);
      let goesOn = status === 'running';
      if (status === 'memory-budget') {
        let biggest = i;
        for (const j of active) if (outcome[j] === undefined && searches[j]!.bytes > searches[biggest]!.bytes) biggest = j;
        if (biggest !== i) {
          // That one goes, and this one goes on from where it paused, on its next turn.
          held -= searches[biggest]!.bytes;
          outcome[biggest] = 'memory-budget';
          searches[biggest]!.release();
          goesOn = true;
        }
      }
      if (goesOn && t.heapFull?.()) {
        // The heap is nearly full of states: the part holding the most goes.
        let biggest = i;
        for (const j of active) if (outcome[j] === undefined && searches[j]!.bytes > searches[biggest]!.bytes) biggest = j;
        if (biggest !== i) held -= searches[biggest]!.bytes;
        outcome[biggest] = 'heap-limit';
        searches[biggest]!.release();
        goesOn = biggest !== i;
      }
      if (goesOn) {
        still.push(i);
        held += s.bytes;
      } else if (outcome[i] === undefined) {
        outcome[i] = outcomeOf(status);
        s.release();
      }
      if (status === 'illegal') {
        stop = 'illegal';
        t.stop?.();
      } else if (t.stopped?.()) stop = 'illegal';
      else if (t.now() >= deadline) stop = 'time-limit';
      if (stop) break;
    }
    active = still.filter((i) => outcome[i] === undefined);
  }
  for (const s of searches) s.release();
  return outcome.map((o) => o ?? (stop === 'illegal' ? 'not-checked' : 'time-limit'));
}

/** One after another, each to its verdict or its own `limitMs` (0: none), each with the whole budget. */
export function searchOneByOne(searches: readonly Searchable[], limitMs: number, t: Turns): Outcome[] {
  return searches.map((s) => {
    const deadline = limitMs > 0 ? t.now() + limitMs : Infinity;
    s.maxBytes = t.budget;
    let heapFull = false;
    while (s.run(t.slice) === 'running' && t.now() < deadline && !(heapFull = t.heapFull?.() ?? false));
    const outcome = heapFull ? 'heap-limit' : outcomeOf(s.status);
    s.release();
    return outcome;
  });
}

function outcomeOf(status: SearchStatus): Outcome {
  if (status === 'memory-budget') return 'memory-budget';
  if (status === 'running') return 'time-limit';
  return 'done';
}
