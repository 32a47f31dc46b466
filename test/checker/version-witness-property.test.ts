/**
 * The version witness on every history of the brute-force property test (same generator, same
 * seeds, same number of runs as property.test.ts), each given versions several ways:
 *
 * - consistent: read off one linearization the brute force found (writes numbered in its order,
 *   each read the version of the write before it), as an honest system would report them;
 * - corrupted: those versions shuffled among the writes, reversed, or all the same;
 * - random: any number, any writer, or none.
 *
 * Whatever the versions, the witness never says linearizable where the brute force says not, its
 * order is a linearization by the definition checked pair by pair, it refutes only what the brute
 * force refutes (and so do the refuting facts on their own, witness or not), and a whole check
 * (versions on) agrees with the brute force. With consistent versions it finds a linearization
 * whenever there is one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOperations, models, toOperations, type Operation } from '../../harness/checker/index.js';
import { toWitnessOps } from '../../harness/checker/version-pass.js';
import { findRefutingFact } from '../../harness/checker/refuting-facts.js';
import { witnessLinearization } from '../../harness/checker/version-witness.js';
import { history } from './helpers.js';
import { bruteForce, isLinearization, linearize, opArb, toSpecs, type RandomOp } from './random-histories.js';

interface Reported {
  version: number | null;
  writer?: string;
}

/** A small deterministic generator, so the corruptions add no draw to fast-check's stream. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = Math.imul(s ^ (s >>> 15), 1 | s);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Versions read off a linearization (indexes into `raw`): per key, each op that changes the
 * register takes the next version; reads take the current one (null before any). With `coarse`,
 * two writers share each version number (node-2 then node-10: the witness must order names with
 * numbers by their number). Ops of unknown outcome that took effect keep their version when
 * `unknownKeep`, as godist's replies that missed the write quorum do.
 */
function consistentVersions(raw: RandomOp[], order: number[], coarse: boolean, unknownKeep: boolean): Map<number, Reported> {
  const out = new Map<number, Reported>();
  const count = new Map<string, number>();
  const state = new Map<string, number | null>();
  const tag = (c: number): Reported => (coarse ? { version: Math.ceil(c / 2), writer: c % 2 === 1 ? 'node-2' : 'node-10' } : { version: c });
  for (const at of order) {
    const r = raw[at]!;
    const c = count.get(r.key) ?? 0;
    const cur = state.get(r.key) ?? null;
    const changes = r.f === 'write' || (r.f === 'cas' && cur === r.from);
    if (changes) {
      count.set(r.key, c + 1);
      state.set(r.key, r.value);
      if (r.end === 'ok' || unknownKeep) out.set(at, tag(c + 1));
    } else if (r.end === 'ok') {
      out.set(at, c === 0 ? { version: null } : tag(c));
    }
  }
  return out;
}

/** Versions for a history with no linearization: writes numbered by call, reads the latest such write of their value. */
function plausibleVersions(raw: RandomOp[]): Map<number, Reported> {
  const out = new Map<number, Reported>();
  const writes = raw.map((r, i) => ({ r, i })).filter(({ r }) => r.f !== 'read' && r.end !== 'fail');
  writes.sort((a, b) => a.r.call - b.r.call || a.i - b.i);
  writes.forEach(({ i }, k) => out.set(i, { version: k + 1 }));
  raw.forEach((r, i) => {
    if (r.f !== 'read') return;
    let v: number | null = null;
    writes.forEach(({ r: w }, k) => {
      if (w.key === r.key && w.value === r.result && w.call <= r.call + r.duration) v = k + 1;
    });
    out.set(i, { version: v });
  });
  return out;
}

type Variant = 'consistent' | 'coarse' | 'consistent, unknown without' | 'shuffled' | 'reversed' | 'all the same' | 'random' | 'plausible';

function corrupt(base: Map<number, Reported>, raw: RandomOp[], how: Variant, rand: () => number): Map<number, Reported> {
  const out = new Map(base);
  const writes = [...base.keys()].filter((i) => raw[i]!.f !== 'read');
  if (how === 'shuffled') {
    const tags = writes.map((i) => base.get(i)!);
    for (let k = tags.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      [tags[k], tags[j]] = [tags[j]!, tags[k]!];
    }
    writes.forEach((i, k) => out.set(i, tags[k]!));
  } else if (how === 'reversed') {
    for (const [i, t] of base) out.set(i, t.version === null ? t : { ...t, version: 100 - t.version });
  } else if (how === 'all the same') {
    for (const i of writes) out.set(i, { version: 1 });
  } else if (how === 'random') {
    out.clear();
    raw.forEach((_, i) => {
      const x = rand();
      if (x < 0.15) return;
      if (x < 0.25) out.set(i, { version: null });
      else out.set(i, { version: Math.floor(rand() * 5), ...(rand() < 0.5 ? { writer: rand() < 0.5 ? 'node-1' : 'node-2' } : {}) });
    });
  }
  return out;
}

function withVersions(raw: RandomOp[], reported: Map<number, Reported>): Operation[] {
  const ops = toOperations(history(...toSpecs(raw)));
  for (const op of ops) {
    const r = reported.get(op.process as number);
    if (!r) continue;
    op.version = r.version;
    if (r.writer !== undefined) op.writer = r.writer;
  }
  return ops;
}

interface Tally {
  linearizable: number;
  refuted: number;
  noWitness: number;
  facts: number;
}

function witnessAgrees(withCas: boolean, runs: number, seed: number): Tally {
  const model = withCas ? models['cas-register'] : models.register;
  const tally: Tally = { linearizable: 0, refuted: 0, noWitness: 0, facts: 0 };
  let run = 0;
  fc.assert(
    fc.property(fc.array(opArb(withCas), { minLength: 0, maxLength: 7 }), (raw) => {
      const rand = prng(++run);
      const found = linearize(raw);
      const variants = new Map<Variant, Map<number, Reported>>();
      if (found) {
        const base = consistentVersions(raw, found, false, true);
        variants.set('consistent', base);
        variants.set('coarse', consistentVersions(raw, found, true, true));
        variants.set('consistent, unknown without', consistentVersions(raw, found, false, false));
        const how = (['shuffled', 'reversed', 'all the same'] as const)[run % 3]!;
        variants.set(how, corrupt(base, raw, how, rand));
      } else {
        variants.set('plausible', plausibleVersions(raw));
      }
      variants.set('random', corrupt(new Map(), raw, 'random', rand));

      for (const [how, reported] of variants) {
        const ops = withVersions(raw, reported);
        const truth = found !== undefined;
        for (const key of ['a', 'b'] as const) {
          const keyRaw = raw.map((r) => (r.key === key ? r : { ...r, end: 'fail' as const }));
          const keyTruth = bruteForce(keyRaw);
          const keyOps = ops.filter((op) => op.key === key && !(op.return === Infinity && op.f === 'read'));
          const w = witnessLinearization(model, toWitnessOps(model, keyOps));
          if (w.kind === 'linearizable') {
            expect(keyTruth, `${how} versions, key ${key}: the witness says linearizable`).toBe(true);
            const byId = new Map(keyOps.map((op, i) => [op.id, i]));
            expect(isLinearization(keyOps, raw, w.order.map((id) => byId.get(id)!))).toBe(true);
            tally.linearizable++;
          } else if (w.kind === 'refuted') {
            expect(keyTruth, `${how} versions, key ${key}: the witness refutes (${w.explanation})`).toBe(false);
            tally.refuted++;
          } else {
            tally.noWitness++;
            // An honest system's versions always lead to a linearization when there is one.
            if (how === 'consistent' || how === 'coarse') expect(keyTruth ? w.why : 'refuted').toBe('refuted');
          }
        }
        // The facts alone, whether or not a witness was found: each refutation is a proof.
        for (const key of ['a', 'b'] as const) {
          const keyOps = ops.filter((op) => op.key === key && !(op.return === Infinity && op.f === 'read'));
          const fact = findRefutingFact(toWitnessOps(model, keyOps));
          if (fact) {
            expect(bruteForce(raw.map((r) => (r.key === key ? r : { ...r, end: 'fail' as const }))), `${fact.explanation}`).toBe(false);
            tally.facts++;
          }
        }
        const perKey = checkOperations(ops, { model, perKey: true });
        expect(perKey.valid).toBe(truth);
        expect(checkOperations(ops, { model }).valid).toBe(truth);
      }
    }),
    { numRuns: runs, seed },
  );
  return tally;
}

describe('the version witness on the property test histories', () => {
  it('register: 4000 histories, never linearizable where the brute force says not, whatever the versions', () => {
    const t = witnessAgrees(false, 4000, 20240611);
    // Not vacuous: it decides most keys both ways.
    expect(t.linearizable).toBeGreaterThan(5000);
    expect(t.refuted).toBeGreaterThan(100);
    expect(t.noWitness).toBeGreaterThan(100);
    expect(t.facts).toBeGreaterThan(1000);
  });

  it('cas-register: 3000 histories, the same', () => {
    const t = witnessAgrees(true, 3000, 20240611);
    expect(t.linearizable).toBeGreaterThan(3000);
    expect(t.refuted).toBeGreaterThan(50);
  });
});
