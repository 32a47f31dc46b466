/**
 * Registers, one per key: `read` returns the current value (null before any write), `write`
 * replaces it, and in the cas-register `cas [expected, new]` replaces it only when it equals
 * `expected`. A completed cas carries whether it swapped (`output: true`) or ran and found another
 * value (`output: false`, the etcd-log meaning of `:fail :cas`); a cas of unknown outcome may have
 * done either, or nothing.
 */
import type { Model, VersionRole } from '../model.js';
import { casPair, type Operation } from '../operation.js';
import { formatValue, keyValue, valueKey, type ValueKey } from '../values.js';
import { explainRegister } from './register-explain.js';

const READ = 0;
const WRITE = 1;
const CAS = 2;

/** How a cas ended. */
const SWAPPED = 1;
const COMPARE_FAILED = 0;
const UNKNOWN = 2;

export interface RegisterStep {
  kind: number;
  /** write: the value; cas: expected. */
  a: ValueKey;
  /** cas: the new value. */
  b: ValueKey;
  /** read: the value returned. */
  out: ValueKey;
  /** cas: SWAPPED, COMPARE_FAILED or UNKNOWN; read: UNKNOWN when the result is unknown. */
  outcome: number;
}

function prepare(op: Operation): RegisterStep {
  const unknown = op.return === Infinity;
  switch (op.f) {
    case 'read':
      return { kind: READ, a: null, b: null, out: valueKey(op.output), outcome: unknown ? UNKNOWN : SWAPPED };
    case 'write':
      return { kind: WRITE, a: valueKey(op.value), b: null, out: null, outcome: SWAPPED };
    default: {
      const [expected, next] = casPair(op)!;
      const outcome = unknown ? UNKNOWN : op.output === false ? COMPARE_FAILED : SWAPPED;
      return { kind: CAS, a: valueKey(expected), b: valueKey(next), out: null, outcome };
    }
  }
}

function step(state: ValueKey, p: RegisterStep): ValueKey | undefined {
  if (p.kind === READ) return p.outcome === UNKNOWN || p.out === state ? state : undefined;
  if (p.kind === WRITE) return p.a;
  const matches = state === p.a;
  if (p.outcome === SWAPPED) return matches ? p.b : undefined;
  if (p.outcome === COMPARE_FAILED) return matches ? undefined : state;
  return matches ? p.b : state;
}

function describe(op: Operation): string {
  const unknown = op.return === Infinity;
  switch (op.f) {
    case 'read':
      return unknown ? 'read → ?' : `read → ${formatValue(op.output)}`;
    case 'write':
      return `write ${formatValue(op.value)}${unknown ? ' (outcome unknown)' : ''}`;
    case 'cas': {
      const pair = casPair(op);
      const what = pair ? `cas ${formatValue(pair[0])}→${formatValue(pair[1])}` : 'cas';
      if (unknown) return `${what} (outcome unknown)`;
      return op.output === false ? `${what} (compare failed)` : `${what} (swapped)`;
    }
    default:
      return op.f;
  }
}

/**
 * For the version pass: a write made its version, a read returned one; a cas that swapped (or may
 * have) made one, and a cas whose compare failed saw one (which value, it does not say).
 */
function versioned(op: Operation): VersionRole | undefined {
  switch (op.f) {
    case 'read':
      return { role: 'read', value: valueKey(op.output) };
    case 'write':
      return { role: 'write', value: valueKey(op.value) };
    case 'cas': {
      const pair = casPair(op);
      if (!pair) return undefined;
      return op.output === false ? { role: 'read' } : { role: 'write', value: valueKey(pair[1]) };
    }
    default:
      return undefined;
  }
}

/**
 * Writes of unknown outcome whose value no completed read returned, in a part without cas. Any
 * linearization that places such a write has no read between it and the next write (that read
 * would return its value), so without it every read still returns what it did. With a cas in the
 * part, the value between could decide whether the cas swaps, so nothing is left out there.
 */
function unneeded(ops: readonly Operation[]): ReadonlySet<Operation> {
  const out = new Set<Operation>();
  if (ops.some((op) => op.f === 'cas')) return out;
  const returned = new Set<ValueKey>();
  for (const op of ops) if (op.f === 'read' && op.return !== Infinity) returned.add(valueKey(op.output));
  for (const op of ops) if (op.f === 'write' && op.return === Infinity && !returned.has(valueKey(op.value))) out.add(op);
  return out;
}

function rejectFor(withCas: boolean, name: string) {
  return (op: Operation): string | undefined => {
    if (op.f === 'read' || op.f === 'write') return undefined;
    if (op.f === 'cas') {
      if (!withCas) return `the ${name} model has no cas (use --model cas-register)`;
      if (!casPair(op)) return `a cas needs [expected, new] as its value, not ${formatValue(op.value)}`;
      return undefined;
    }
    return `the ${name} model knows read, write${withCas ? ' and cas' : ''}, not ${op.f}${op.f === 'get' || op.f === 'put' || op.f === 'append' ? ' (use --model kv)' : ''}`;
  };
}

function makeRegister(name: string, withCas: boolean): Model<ValueKey, RegisterStep> {
  return {
    name,
    reject: rejectFor(withCas, name),
    readOnly: (op) => op.f === 'read',
    unneeded,
    partition: (op) => op.key ?? '',
    prepare,
    init: () => null,
    step,
    describe,
    describeState: (state) => (state === null ? 'empty' : formatValue(keyValue(state))),
    explain: explainRegister,
    versioned,
  };
}

/** A register per key: read and write. A read of a key never written returns null. */
export const register = makeRegister('register', false);

/** A register per key with compare-and-set. */
export const casRegister = makeRegister('cas-register', true);
