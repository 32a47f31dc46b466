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
 * history are out of reach of any exhaustive search), or the clock reaches `deadline`. Part i's
 * search is made (`make(i)`) at its first turn, so the clock is read between makings too (a
 * history of many keys takes a while to set up). The parts share the budget: each may grow into
 * what the others leave, and when one reaches it, the part holding the most is given up (a small
 * part is not sacrificed to a big one).
 */
export function searchSideBySide(count: number, make: (i: number) => Searchable, deadline: number, t: Turns): Outcome[] {
  const outcome: (Outcome | undefined)[] = new Array<Outcome | undefined>(count).fill(undefined);
  const searches: (Searchable | undefined)[] = new Array<Searchable | undefined>(count).fill(undefined);
  let active = searches.map((_, i) => i);
  let held = 0;
  let stop: 'illegal' | 'time-limit' | undefined;
  const bytesOf = (j: number) => searches[j]?.bytes ?? 0;
  while (active.length > 0 && !stop) {
    const still: number[] = [];
    for (const i of active) {
      if (outcome[i] !== undefined) continue; // given up earlier in this round
      let s = searches[i];
      if (s === undefined) {
        s = searches[i] = make(i);
        held += s.bytes;
      }
      held -= s.bytes;
      s.maxBytes = t.budget - held;
      const status = s.status === 'running' || s.status === 'memory-budget' ? s.run(t.slice) : s.status;
      let goesOn = status === 'running';
      if (status === 'memory-budget') {
        let biggest = i;
        for (const j of active) if (outcome[j] === undefined && bytesOf(j) > bytesOf(biggest)) biggest = j;
        if (biggest !== i) {
          // That one goes, and this one goes on from where it paused, on its next turn.
          held -= bytesOf(biggest);
          outcome[biggest] = 'memory-budget';
          searches[biggest]!.release();
          goesOn = true;
        }
      }
      if (goesOn && t.heapFull?.()) {
        // The heap is nearly full of states: the part holding the most goes.
        let biggest = i;
        for (const j of active) if (outcome[j] === undefined && bytesOf(j) > bytesOf(biggest)) biggest = j;
        if (biggest !== i) held -= bytesOf(biggest);
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
    active = [...still, ...active.filter((i) => searches[i] === undefined)].filter((i) => outcome[i] === undefined);
  }
  for (const s of searches) s?.release();
  return outcome.map((o) => o ?? (stop === 'illegal' ? 'not-checked' : 'time-limit'));
}

/**
 * One after another, each made when its turn comes and searched to its verdict or its own
 * `limitMs` (0: none), each with the whole budget.
 */
export function searchOneByOne(count: number, make: (i: number) => Searchable, limitMs: number, t: Turns): Outcome[] {
  const outcome: Outcome[] = [];
  for (let i = 0; i < count; i++) {
    const deadline = limitMs > 0 ? t.now() + limitMs : Infinity;
    const s = make(i);
    s.maxBytes = t.budget;
    let heapFull = false;
    while (s.status === 'running' && s.run(t.slice) === 'running' && t.now() < deadline && !(heapFull = t.heapFull?.() ?? false));
    outcome.push(heapFull ? 'heap-limit' : outcomeOf(s.status));
    s.release();
  }
  return outcome;
}

function outcomeOf(status: SearchStatus): Outcome {
  if (status === 'memory-budget') return 'memory-budget';
  if (status === 'running') return 'time-limit';
  return 'done';
}
