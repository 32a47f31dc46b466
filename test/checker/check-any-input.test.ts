/**
 * `godist check` on any input: never an internal error (exit 4), never a hang. Malformed files get
 * exit 2 naming the line and what is wrong; random and mutated files, thrown at every reader and
 * through the command's own code path, end in 0, 1, 2 or 3.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { checkCommand, type CheckArgs, type HistoryFormat } from '../../harness/cli/check.js';
import { readEdn } from '../../harness/history/read-edn.js';
import { readJepsenLog } from '../../harness/history/read-jepsen-log.js';
import { readJsonl } from '../../harness/history/read-jsonl.js';
import { UsageError } from '../../harness/shared/usage-error.js';

let dir: string;
let fileNo = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'godist-check-any-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});
const savedExitCode = process.exitCode;
afterEach(() => {
  process.exitCode = savedExitCode;
});

/**
 * The exit code `godist check` gives, as cli-commands.ts decides it: the handler's exit code, 2 for
 * a UsageError (with its message); anything else is a bug, and is thrown at the test.
 */
async function check(path: string, extra: Partial<CheckArgs> = {}): Promise<{ code: number; message?: string }> {
  process.exitCode = undefined;
  try {
    await checkCommand.handler({ timeLimit: 2, perKey: false, json: false, threads: 1, _: [], $0: 'godist', path, ...extra } as never);
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, message: e.message };
    throw e;
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = savedExitCode;
  return { code: code ?? 0 };
}

function fileWith(text: string, ext: string): string {
  const file = join(dir, `h${fileNo++}${ext}`);
  writeFileSync(file, text);
  return file;
}

describe('malformed input: exit 2, naming the line and what is wrong', () => {
  const jsonl = (...recs: object[]) => recs.map((r) => JSON.stringify(r)).join('\n');
  const inv = { index: 0, type: 'invoke', process: 0, f: 'write', key: 'k', value: 1, time: 10 };
  const ok = { index: 1, type: 'ok', process: 0, f: 'write', key: 'k', value: 1, time: 20 };

  it.each([
    ['EDN nested 3,000 deep', '['.repeat(3000) + ']'.repeat(3000), '.edn', /line 1: forms nested deeper than 100 levels/],
    ['EDN discards chained 3,000 deep', '#_'.repeat(3000) + '{}', '.edn', /line 1: forms nested deeper than 100 levels/],
    ['JSONL values nested 4,000 deep', JSON.stringify({ ...inv, value: JSON.parse('['.repeat(4000) + ']'.repeat(4000)) }), '.jsonl', /line 1: values nested deeper than 100 levels/],
    ['a Jepsen log value nested 3,000 deep', `INFO  jepsen.util - 0\t:invoke\t:write\t${'['.repeat(3000)}`, '.log', /line 1: bad value .*forms nested deeper than 100 levels/],
    ['a negative index', jsonl({ ...inv, index: -1 }, ok), '.jsonl', /line 1: "index" must be an integer >= 0, not -1/],
    ['an index used twice', jsonl(inv, { ...ok, index: 0 }), '.jsonl', /line 2: "index" 0 was already used on line 1/],
    ['an empty key', jsonl({ ...inv, key: '' }, ok), '.jsonl', /line 1: "key" must be a string \(not empty\), not ""/],
    ['a negative time', jsonl({ ...inv, time: -5 }, ok), '.jsonl', /line 1: "time" must be a number \(ns since the run began, >= 0\), not -5/],
    ['an invoke and its completion on different keys', jsonl(inv, { ...ok, key: 'other' }), '.jsonl', /line 2: process 0 completes a write of key "other", but invoked it on key "k" \(line 1\)/],
    ['a duplicate field in one EDN map', '{:process 0, :type :invoke, :f :read, :type :ok}', '.edn', /line 1: the key :type appears twice in one map/],
    ['an EDN :index used twice', '{:index 0 :process 0 :type :invoke :f :read}\n{:index 0 :process 0 :type :ok :f :read}', '.edn', /line 2: :index 0 was already used on line 1/],
    ['a negative EDN :index', '{:index -3 :process 0 :type :invoke :f :read}', '.edn', /line 1: :index must be a non-negative integer, not -3/],
    ['an empty EDN :key', '{:process 0 :type :invoke :f :read :key ""}', '.edn', /line 1: :key must not be empty/],
  ])('%s', async (_, text, ext, message) => {
    const r = await check(fileWith(text, ext));
    expect(r.code).toBe(2);
    expect(r.message).toMatch(message);
  });

  it('a results folder whose history.jsonl is a folder', async () => {
    const folder = join(dir, 'run-folder');
    mkdirSync(join(folder, 'history.jsonl'), { recursive: true });
    expect(await check(folder)).toEqual({ code: 2, message: `${join(folder, 'history.jsonl')}: is a folder, not a history file (give a results folder or a history file)` });
  });

  it('a device that could be read forever', async () => {
    expect(await check('/dev/zero', { format: 'jsonl' })).toEqual({ code: 2, message: '/dev/zero: is not a regular file (give a history file)' });
  });
});

/** A small register history (which may or may not be linearizable), as JSONL, EDN and a Jepsen log. */
const historyArb = fc
  .array(fc.record({ process: fc.nat(3), f: fc.constantFrom('read', 'write', 'cas'), v: fc.nat(3), w: fc.nat(3), outcome: fc.constantFrom('ok', 'ok', 'fail', 'info', 'none') }), { maxLength: 12 })
  .map((ops) => {
    const recs: { index: number; type: string; process: number; f: string; key: string; value: unknown; time: number }[] = [];
    const busy = new Set<number>();
    let t = 0;
    for (const op of ops) {
      const p = busy.has(op.process) ? op.process + 10 + recs.length : op.process; // a process runs one op at a time
      const value = op.f === 'read' ? null : op.f === 'cas' ? [op.v, op.w] : op.v;
      recs.push({ index: recs.length, type: 'invoke', process: p, f: op.f, key: 'k', value, time: (t += 10) });
      if (op.outcome === 'none') busy.add(p);
      else recs.push({ index: recs.length, type: op.outcome, process: p, f: op.f, key: 'k', value: op.f === 'read' ? op.v : value, time: (t += 10) });
    }
    return recs;
  });

function asJsonl(recs: readonly object[]): string {
  return recs.map((r) => JSON.stringify(r)).join('\n');
}
function ednValue(v: unknown): string {
  return v === null ? 'nil' : Array.isArray(v) ? `[${v.map(ednValue).join(' ')}]` : JSON.stringify(v);
}
function asEdn(recs: readonly { index: number; type: string; process: number; f: string; key: string; value: unknown; time: number }[]): string {
  return recs.map((r) => `{:index ${r.index}, :type :${r.type}, :process ${r.process}, :f :${r.f}, :key "${r.key}", :value ${ednValue(r.value)}, :time ${r.time}}`).join('\n');
}
function asJepsenLog(recs: readonly { type: string; process: number; f: string; value: unknown }[]): string {
  return recs.map((r) => `INFO  jepsen.util - ${r.process}\t:${r.type}\t:${r.f}\t${ednValue(r.value)}`).join('\n');
}

/** Tokens that break readers in interesting ways. */
const nasty = ['['.repeat(5000), '#_'.repeat(3000), '[', ']', '{', '}', '(', '"', '\\', '#_', '#{', '#inst', ':', '::', 'nil', '-1', '1e999', 'NaN', '##NaN', '"\\ud800"', '\\u', ',', '\n', '\u0000', '{"a":', '[[[[[[[[', 'jepsen.util - ', ':invoke', ':ok', '"index":-1', '"key":""', '"__proto__"', '9007199254740993', '[' .repeat(500)];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.oneof(fc.constantFrom(...nasty), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('dup-line' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.double({ min: 0, max: 1, noNaN: true }), b: fc.double({ min: 0, max: 1, noNaN: true }) }),
  // A value replaced by one nested `depth` deep (JSONL "value":, EDN :value, a Jepsen log line's last field).
  fc.record({ kind: fc.constant('deep' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), depth: fc.integer({ min: 1, max: 6000 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const pos = (x: number) => Math.floor(x * t.length);
    if (m.kind === 'insert') t = t.slice(0, pos(m.at)) + m.text + t.slice(pos(m.at));
    else if (m.kind === 'delete') t = t.slice(0, pos(m.at)) + t.slice(pos(m.at) + m.length);
    else if (m.kind === 'cut') t = t.slice(0, pos(m.at));
    else if (m.kind === 'deep') {
      const lines = t.split('\n');
      const i = Math.min(lines.length - 1, Math.floor(m.at * lines.length));
      const deep = '['.repeat(m.depth) + ']'.repeat(m.depth);
      lines[i] = lines[i]!.replace(/("value":|:value )(null|nil|-?\d+|\[[^\]]*\])/, `$1${deep}`).replace(/\t([^\t]*)$/, `\t${deep}`);
      t = lines.join('\n');
    } else {
      const lines = t.split('\n');
      const at = (x: number) => Math.min(lines.length - 1, Math.floor(x * lines.length));
      if (m.kind === 'dup-line') lines.splice(at(m.at), 0, lines[at(m.at)]!);
      else [lines[at(m.a)], lines[at(m.b)]] = [lines[at(m.b)]!, lines[at(m.a)]!];
      t = lines.join('\n');
    }
  }
  return t;
}

const formats: { format: HistoryFormat; ext: string; write: (recs: Parameters<typeof asEdn>[0]) => string; read: (text: string) => unknown }[] = [
  { format: 'jsonl', ext: '.jsonl', write: asJsonl, read: readJsonl },
  { format: 'edn', ext: '.edn', write: asEdn, read: readEdn },
  { format: 'jepsen-log', ext: '.log', write: asJepsenLog, read: readJepsenLog },
];

/** A reader either reads the text or throws a UsageError; anything else is a bug. */
function readOrRefuse(read: (text: string) => unknown, text: string): void {
  try {
    read(text);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
  }
}

const codes = { 0: 0, 1: 0, 2: 0, 3: 0 } as Record<number, number>;

describe('any file (property, seeded and bounded)', () => {
  it('mutated histories: every reader reads or refuses, and godist check exits 0, 1, 2 or 3', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.nat(formats.length - 1), fc.array(mutation, { maxLength: 4 }), fc.boolean(), async (recs, which, ms, named) => {
        const f = formats[which]!;
        const text = mutate(f.write(recs), ms);
        for (const g of formats) readOrRefuse(g.read, text);
        // Named by its extension, or left for the format guess.
        const r = await check(fileWith(text, named ? f.ext : ''));
        expect([0, 1, 2, 3]).toContain(r.code);
        codes[r.code]!++;
      }),
      { seed: 20240, numRuns: 600 },
    );
    // The mutations reach past the readers: some histories are checked, some refused.
    expect(codes[0]! + codes[1]!).toBeGreaterThan(50);
    expect(codes[2]!).toBeGreaterThan(50);
  });

  it('random text and bytes: every reader reads or refuses, and godist check exits 0, 1, 2 or 3', async () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.array(fc.constantFrom(...nasty), { maxLength: 30 }).map((a) => a.join('')),
    );
    await fc.assert(
      fc.asyncProperty(anyText, fc.constantFrom('.jsonl', '.edn', '.log', ''), async (text, ext) => {
        for (const g of formats) readOrRefuse(g.read, text);
        expect([0, 1, 2, 3]).toContain((await check(fileWith(text, ext))).code);
      }),
      { seed: 4242, numRuns: 600 },
    );
  });
});
