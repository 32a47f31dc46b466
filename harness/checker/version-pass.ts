/**
 * The version pass of a check: before any search, every part whose ops carry versions (and whose
 * model says how to read them, `Model.versioned`) goes to the version witness. A verified
 * linearization decides the part (linearizable), a fact that is a proof on its own decides it (not
 * linearizable); anything else leaves the part to the search, exactly as without this pass.
 * Parts without a single version skip it, so histories without versions are checked as before.
 */
import type { Model } from './model.js';
import type { Operation } from './operation.js';
import type { OpSummary, PartitionResult } from './result.js';
import { formatValue } from './values.js';
import { witnessLinearization, type WitnessOp } from './version-witness.js';

export interface VersionPassPart {
  key: string | null;
  ops: readonly Operation[];
}

/** One entry per part: the pass's result, or undefined where the search must decide. */
export function decideByVersions(model: Model, parts: readonly VersionPassPart[], formatTime: (t: number) => string): (PartitionResult | undefined)[] {
  if (!model.versioned) return parts.map(() => undefined);
  return parts.map((part) => {
    if (!part.ops.some((op) => op.version !== undefined)) return undefined;
    const verdict = witnessLinearization(model, toWitnessOps(model, part.ops), { key: part.key, formatTime });
    const base = { key: part.key, opCount: part.ops.length, steps: 0, configurations: 0, peakBytes: 0, decidedBy: 'versions' as const };
    if (verdict.kind === 'linearizable') return { ...base, valid: true };
    if (verdict.kind === 'no-witness') return undefined;
    const byId = new Map(part.ops.map((op) => [op.id, op]));
    const init = model.init();
    return {
      ...base,
      valid: false,
      failure: {
        explanation: verdict.explanation,
        longest: [],
        stateAfter: model.describeState ? model.describeState(init) : formatValue(init),
        // The read the fact is about: no place fits it.
        couldNotPlace: [summarize(model, byId.get(verdict.ops[0]!)!)],
        fact: { name: verdict.fact, ops: verdict.ops },
      },
    };
  });
}

/**
 * The parts' results in their order: the pass's where it decided, else the search's (given in
 * the order of the parts left to it); parts left out of the search are 'not-checked'.
 */
export function mergeVersionPass(parts: readonly VersionPassPart[], byVersions: readonly (PartitionResult | undefined)[], searched: readonly PartitionResult[]): PartitionResult[] {
  let next = 0;
  const left = byVersions.filter((r) => r === undefined).length;
  return parts.map((part, i) => {
    const decided = byVersions[i];
    if (decided) return decided;
    if (searched.length < left) return { key: part.key, valid: 'unknown', opCount: part.ops.length, steps: 0, configurations: 0, peakBytes: 0, unknownReason: 'not-checked' };
    const r = searched[next++]!;
    return r.valid === 'unknown' ? r : { ...r, decidedBy: 'search' };
  });
}

/** A part's ops as the witness takes them: prepared for the model, with their role and version. */
export function toWitnessOps(model: Model, ops: readonly Operation[]): WitnessOp[] {
  const out: WitnessOp[] = new Array<WitnessOp>(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const role = model.versioned?.(op);
    // Every field set, undefined or not: objects of one shape keep a part of millions of ops cheap.
    out[i] = {
      id: op.id,
      f: op.f,
      call: op.call,
      return: op.return,
      op: model.prepare ? model.prepare(op) : op,
      role: role?.role,
      value: role?.value,
      version: op.version,
      writer: op.writer,
    };
  }
  return out;
}

function summarize(model: Model, op: Operation): OpSummary {
  const s: OpSummary = { id: op.id, process: op.process, f: op.f, value: op.value, call: op.call, return: op.return === Infinity ? null : op.return, description: model.describe(op) };
  if (op.key !== undefined) s.key = op.key;
  if (op.output !== undefined) s.output = op.output;
  return s;
}
