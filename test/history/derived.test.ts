import { describe, expect, it } from 'vitest';
import { faultsOf, pairsOf } from '../../harness/history/derived.js';
import { faultSpans } from '../../harness/history/fault-spans.js';
import { pairOps } from '../../harness/history/pairs.js';
import { historyOf } from './history-builder.js';

describe("a finished history's derivations", () => {
  const history = historyOf((h) => {
    h.op(0, 'write', 'k', 1, 0, 10);
    h.nemesis('partition', 5, { description: 'cut', nodes: ['node-3'] });
    h.op(1, 'read', 'k', 1, 20, 30);
    h.nemesis('heal', 40, {});
  });

  it('are what pairOps and faultSpans give, made once for every reader', () => {
    expect(pairsOf(history)).toEqual(pairOps(history));
    expect(faultsOf(history)).toEqual(faultSpans(history));
    expect(pairsOf(history)).toBe(pairsOf(history));
    expect(faultsOf(history)).toBe(faultsOf(history));
    expect(pairsOf([...history])).not.toBe(pairsOf(history));
  });
});
