/**
 * `npm run bench:checker [-- --only corpus,synthetic,million,parallel,time-limit] [--keep DIR]`
 *
 * 1. corpus: checks every history of the Porcupine corpus, timing the check alone (parsing
 *    excluded, as in Porcupine's reference figures), beside Porcupine's stored times on the same
 *    files (reference-timings.tsv: Go, one core, median of one CheckEvents call). After one
 *    untimed pass over the corpus (JIT warm-up), per file: a few warm-up calls, then 5–30 timed
 *    repetitions (tiny files are timed in batches so the clock's resolution does not matter); min
 *    and median per call.
 * 2. synthetic: long single-key register histories from our seeded generator (16k, 64k, 128k ops;
 *    ~2 and ~9 in flight; linearizable, and with a stale read), each checked once in a fresh
 *    process (bench/checker-bench-child.ts) for its time and peak resident memory, beside
 *    Porcupine's figures stored in test/fixtures/porcupine/synthetic-timings.tsv (with the date
 *    and the way they were measured; the file's SHA-256 says whether they are for the same bytes).
 * 3. million: a 1,000,000-op register history with key rotation (10 clients), checked in a fresh
 *    process as `godist check` would: time and peak memory against 30 s and 2 GB.
 * 4. parallel: one thread against two (checkParallel), interleaved rounds, on that history and on
 *    four hard keys.
 * 5. time-limit: how far past its time limit a check ends, on a key it cannot decide in time.
 *
 * Ends with one JSON line. The machine's load average is printed before and after: figures from a
 * busy machine are slower, and Porcupine's stored figures were not measured now. --keep DIR writes
 * the generated histories to DIR and leaves them there (to measure another checker on them).
 * Exits 1 when a verdict is wrong.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkOperations } from '../harness/checker/index.js';
import { corpusDir, loadCorpus, type CorpusFile } from '../test/fixtures/porcupine-corpus.js';
import { fourHardKeysCase, rotatedCase, singleKeyCases, writeCase, type SyntheticCase, type WrittenCase } from './synthetic-cases.js';

interface Reference {
  /** Median of one call, per process run (run 1, run 2). */
  medians: number[];
}

function readReference(dir: string): Map<string, Reference> {
  const refs = new Map<string, Reference>();
  const text = readFileSync(join(dir, 'reference-timings.tsv'), 'utf8');
  const rows = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const header = rows.shift()!.split('\t');
  const col = (name: string) => header.indexOf(name);
  for (const row of rows) {
    const c = row.split('\t');
    if (c[col('mode')] !== 'CheckEvents' || c[col('gomaxprocs')] !== '1' || c[col('model')] === 'kv-nopart') continue;
    const file = c[col('file')]!;
    const ref = refs.get(file) ?? { medians: [] };
    ref.medians.push(Number(c[col('median_ms')]));
    refs.set(file, ref);
  }
  return refs;
}

interface Timing {
  file: string;
  ops: number;
  valid: boolean | 'unknown';
  expected: boolean;
  firstMs: number;
  minMs: number;
  medianMs: number;
  /** Median CPU time of the process per call (all its threads: GC and JIT included); less sensitive to a busy machine. */
  cpuMedianMs: number;
  reps: number;
  /** Porcupine's median per run, ms. */
  porcupineMs: number[];
  /** Our median over Porcupine's faster run's median. */
  ratio: number | null;
}

const clock = () => performance.now();

function medianOf(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

function checkOnce(f: CorpusFile) {
  return checkOperations(f.history.ops, { model: f.model, timeUnit: f.history.timeUnit, now: clock });
}

function time(f: CorpusFile, refs: Map<string, Reference>): Timing {
  let t0 = clock();
  const first = checkOnce(f);
  const firstMs = clock() - t0;
  // Warm up, and find how many calls make a batch of at least ~2 ms.
  let batch = 1;
  for (let spent = 0, calls = 0; calls < 3 || spent < 20; calls++) {
    t0 = clock();
    checkOnce(f);
    spent += clock() - t0;
    if (calls >= 2 && spent / (calls + 1) >= 2) break;
    if (calls > 50) break;
    batch = Math.max(1, Math.ceil(2 / Math.max(spent / (calls + 1), 1e-3)));
  }
  const perCall: number[] = [];
  const cpuPerCall: number[] = [];
  let reps = 0;
  const budgetMs = 400;
  let spent = 0;
  while (reps < 30 && (reps < 5 || spent < budgetMs)) {
    const cpu0 = process.cpuUsage();
    t0 = clock();
    for (let i = 0; i < batch; i++) checkOnce(f);
    const ms = clock() - t0;
    const cpu = process.cpuUsage(cpu0);
    spent += ms;
    perCall.push(ms / batch);
    cpuPerCall.push((cpu.user + cpu.system) / 1000 / batch);
    reps++;
  }
  const median = medianOf(perCall);
  const porcupineMs = refs.get(f.name)?.medians ?? [];
  const fastest = porcupineMs.length > 0 ? Math.min(...porcupineMs) : null;
  return {
    file: f.name,
    ops: f.history.ops.length,
    valid: first.valid,
    expected: f.expected,
    firstMs,
    minMs: Math.min(...perCall),
    medianMs: median,
    cpuMedianMs: medianOf(cpuPerCall),
    reps,
    porcupineMs,
    ratio: fastest === null || fastest === 0 ? null : median / fastest,
  };
}

const ms = (x: number) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** When the corpus's stored Porcupine figures came into the repository (their file has no date). */
const CORPUS_REFERENCE_DATE = '2026-11-27';

function runCorpus(): Record<string, unknown> {
  const dir = corpusDir();
  const refs = readReference(dir);
  const corpus = loadCorpus(dir);
  const timings: Timing[] = [];
  process.stdout.write(
    `\n== corpus: ${corpus.length} histories from ${dir}\n` +
      `   porcupine column: stored figures (reference-timings.tsv, in the repository since ${CORPUS_REFERENCE_DATE}; Go, one core), not measured now\n`,
  );
  // One untimed pass over everything first: V8 compiles and optimizes as code gets hot, and
  // Porcupine's figures are of compiled code. A cold process's first check is reported apart.
  const coldStart = clock();
  const cold = checkOnce(corpus[0]!);
  const coldMs = clock() - coldStart;
  if (cold.valid !== corpus[0]!.expected) process.exitCode = 1;
  for (let pass = 0; pass < 2; pass++) for (const f of corpus) checkOnce(f);
  process.stdout.write(`${'file'.padEnd(22)} ${'verdict'.padEnd(9)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'cpu'.padStart(9)} ${'porcupine*'.padStart(16)} ${'ratio'.padStart(6)}\n`);
  for (const f of corpus) {
    const t = time(f, refs);
    timings.push(t);
    const verdict = t.valid === true ? 'ok' : t.valid === false ? 'illegal' : 'unknown';
    const wrong = t.valid !== t.expected ? '  WRONG VERDICT' : '';
    const ref = t.porcupineMs.length > 0 ? t.porcupineMs.map(ms).join('/') : '-';
    process.stdout.write(
      `${t.file.padEnd(22)} ${verdict.padEnd(9)} ${ms(t.medianMs).padStart(6)} ms ${ms(t.minMs).padStart(6)} ms ${ms(t.cpuMedianMs).padStart(6)} ms ${ref.padStart(13)} ms ${t.ratio === null ? '    -' : t.ratio.toFixed(2).padStart(6)}${wrong}\n`,
    );
  }

  const etcd = timings.filter((t) => t.file.startsWith('jepsen/'));
  const refRuns = (ts: Timing[]) => [0, 1].map((run) => sum(ts.map((t) => t.porcupineMs[run] ?? 0)));
  const classes = {
    'all etcd': etcd,
    'etcd_002': timings.filter((t) => t.file === 'jepsen/etcd_002.log'),
    'kv/c50-ok': timings.filter((t) => t.file === 'kv/c50-ok.txt'),
    'kv/c50-bad': timings.filter((t) => t.file === 'kv/c50-bad.txt'),
    'all kv': timings.filter((t) => t.file.startsWith('kv/')),
    'everything': timings,
  };
  process.stdout.write('\nclass                 ours: wall (cpu), sum of medians   porcupine, stored (run 1 / run 2)\n');
  const summary: Record<string, { oursMs: number; oursCpuMs: number; porcupineMs: number[] }> = {};
  for (const [name, ts] of Object.entries(classes)) {
    const ours = sum(ts.map((t) => t.medianMs));
    const cpu = sum(ts.map((t) => t.cpuMedianMs));
    const ref = refRuns(ts);
    summary[name] = { oursMs: Number(ours.toFixed(3)), oursCpuMs: Number(cpu.toFixed(3)), porcupineMs: ref.map((r) => Number(r.toFixed(3))) };
    process.stdout.write(`${name.padEnd(21)} ${ms(ours).padStart(10)} ms (${ms(cpu).padStart(7)} ms)         ${ref.map(ms).join(' / ')} ms\n`);
  }
  const rated = timings.filter((t) => t.ratio !== null);
  const worst = rated.reduce((a, b) => (b.ratio! > a.ratio! ? b : a));
  const over = rated.filter((t) => t.ratio! > 2);
  const wrong = timings.filter((t) => t.valid !== t.expected);
  const totalOurs = summary['everything']!.oursMs;
  const totalRef = Math.min(...summary['everything']!.porcupineMs);
  process.stdout.write(
    `\ntotal ${ms(totalOurs)} ms vs Porcupine's stored ${summary['everything']!.porcupineMs.map(ms).join(' / ')} ms (${(totalOurs / totalRef).toFixed(2)}× the faster run); ` +
      `worst file ${worst.file} at ${worst.ratio!.toFixed(2)}× Porcupine; ${over.length} file(s) over 2×; ${wrong.length} wrong verdict(s)\n`,
  );
  process.stdout.write(`a cold process's first check (${corpus[0]!.name}): ${ms(coldMs)} ms\n`);
  if (wrong.length > 0) process.exitCode = 1;
  return {
    coldFirstCheck: { file: corpus[0]!.name, ms: Number(coldMs.toFixed(3)) },
    files: timings.map((t) => ({
      file: t.file,
      ops: t.ops,
      valid: t.valid,
      expected: t.expected,
      firstMs: Number(t.firstMs.toFixed(4)),
      minMs: Number(t.minMs.toFixed(4)),
      medianMs: Number(t.medianMs.toFixed(4)),
      cpuMedianMs: Number(t.cpuMedianMs.toFixed(4)),
      reps: t.reps,
      porcupineMs: t.porcupineMs,
      ratio: t.ratio === null ? null : Number(t.ratio.toFixed(3)),
    })),
    classes: summary,
    totalMs: totalOurs,
    porcupineStoredTotalMs: summary['everything']!.porcupineMs,
    porcupineStoredDate: CORPUS_REFERENCE_DATE,
    ratioToPorcupine: Number((totalOurs / totalRef).toFixed(3)),
    worstRatio: { file: worst.file, ratio: Number(worst.ratio!.toFixed(3)) },
    filesOver2x: over.map((t) => t.file),
    wrongVerdicts: wrong.map((t) => t.file),
  };
}

// ---- generated histories, each checked in a fresh process ----

const here = dirname(fileURLToPath(import.meta.url));

interface ChildResult {
  valid: boolean | 'unknown';
  ops: number;
  keys: number;
  checkMs: number;
  elapsedMs: number;
  processMs: number;
  maxRssKB: number;
  configurations: number;
  peakSearchBytes: number;
  workers: number;
  undecided: { key: string | null; reason?: string }[];
}

function checkInChild(file: string, args: string[] = []): ChildResult {
  const r = spawnSync(process.execPath, [join(here, 'checker-bench-child.js'), file, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`checker-bench-child ${file} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

interface StoredRow {
  checker: string;
  result: string;
  checkMs: number;
  maxRssKB: number;
  rounds: number;
  note: string;
}

interface Stored {
  /** When the figures were measured, and how (the file's header). */
  date: string;
  how: string[];
  rows: Map<string, { sha256: string; byChecker: Map<string, StoredRow> }>;
}

/** Porcupine's figures on our generated histories, measured once and stored with their date. */
function readStored(): Stored {
  const file = join(corpusDir(), 'synthetic-timings.tsv');
  const stored: Stored = { date: 'unknown', how: [], rows: new Map() };
  if (!existsSync(file)) return stored;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const header: string[] = [];
  for (const line of lines) {
    if (line.startsWith('#')) {
      const date = /^# date: (\S+)/.exec(line);
      if (date) stored.date = date[1]!;
      else stored.how.push(line.slice(2));
      continue;
    }
    const c = line.split('\t');
    if (header.length === 0) {
      header.push(...c);
      continue;
    }
    const get = (name: string) => c[header.indexOf(name)] ?? '';
    const entry = stored.rows.get(get('case')) ?? { sha256: get('sha256'), byChecker: new Map<string, StoredRow>() };
    entry.byChecker.set(get('checker'), {
      checker: get('checker'),
      result: get('result'),
      checkMs: Number(get('check_ms')),
      maxRssKB: Number(get('max_rss_kb')),
      rounds: Number(get('rounds')),
      note: get('note'),
    });
    stored.rows.set(get('case'), entry);
  }
  return stored;
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const secs = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const verdictWord = (v: boolean | 'unknown' | string) => (v === true || v === 'ok' ? 'ok' : v === false || v === 'illegal' ? 'illegal' : String(v === 'unknown' ? 'undecided' : v));

const written = new Map<SyntheticCase, WrittenCase>();

/** Each case's file, written once per run. */
function fileOf(dir: string, c: SyntheticCase): WrittenCase {
  let w = written.get(c);
  if (!w) written.set(c, (w = writeCase(dir, c)));
  return w;
}

function runSynthetic(dir: string, stored: Stored): Record<string, unknown>[] {
  process.stdout.write(
    `\n== synthetic: one key, seeded generator (test/checker/synthetic-history.ts), each checked once in a fresh process\n` +
      `   porcupine*: stored figures, measured ${stored.date} (synthetic-timings.tsv), not now:\n` +
      stored.how.map((l) => `     ${l}\n`).join('') +
      `${'case'.padEnd(50)} ${'in flight'.padStart(9)}  ${'verdict'.padEnd(9)} ${'check'.padStart(8)} ${'peak RSS'.padStart(9)}   ${'porcupine*'.padEnd(30)} ${'time×'.padStart(6)} ${'mem×'.padStart(6)}\n`,
  );
  const rows: Record<string, unknown>[] = [];
  for (const c of singleKeyCases) {
    const w = fileOf(dir, c);
    const r = checkInChild(w.file);
    const expected = c.options.anomaly !== 'stale-read';
    const wrongVerdict = r.valid !== 'unknown' && r.valid !== expected;
    if (wrongVerdict) process.exitCode = 1;
    const ref = stored.rows.get(c.name);
    const p = ref?.sha256 === w.sha256 ? ref.byChecker.get('porcupine') : undefined;
    const finished = p && (p.result === 'ok' || p.result === 'illegal');
    const theirs = !ref ? '-' : !p ? '(stored for other bytes)' : `${verdictWord(p.result)} ${secs(p.checkMs)}, ${mb(p.maxRssKB)}${p.note ? ` ${p.note}` : ''}`;
    const timeRatio = finished ? (r.checkMs / p.checkMs).toFixed(2) : '-';
    const memRatio = finished ? (r.maxRssKB / p.maxRssKB).toFixed(2) : '-';
    process.stdout.write(
      `${c.name.padEnd(50)} ${w.inFlight.toFixed(2).padStart(9)}  ${verdictWord(r.valid).padEnd(9)} ${secs(r.checkMs).padStart(8)} ${mb(r.maxRssKB).padStart(9)}   ${theirs.padEnd(30)} ${timeRatio.padStart(6)} ${memRatio.padStart(6)}${wrongVerdict ? '  WRONG VERDICT' : ''}\n`,
    );
    rows.push({ case: c.name, sha256: w.sha256, inFlight: Number(w.inFlight.toFixed(2)), ...r, porcupineStored: p ?? null });
  }
  return rows;
}

function runMillion(dir: string): Record<string, unknown> {
  const w = fileOf(dir, rotatedCase);
  const r = checkInChild(w.file);
  const fits = r.processMs < 30_000 && r.maxRssKB < 2 * 1024 * 1024;
  process.stdout.write(
    `\n== million: ${rotatedCase.name} (${w.keys} keys, ${w.inFlight.toFixed(1)} ops in flight), checked in a fresh process as godist check does\n` +
      `   ${verdictWord(r.valid)}: check ${secs(r.checkMs)}, whole process (read, parse, check) ${secs(r.processMs)}, peak RSS ${mb(r.maxRssKB)}; ` +
      `${fits ? 'within' : 'NOT within'} 30 s and 2 GB\n`,
  );
  if (r.valid !== true) process.exitCode = 1;
  return { case: rotatedCase.name, ...r, within30sAnd2GB: fits };
}

function runParallel(dir: string, rounds = 3): Record<string, unknown>[] {
  process.stdout.write(`\n== parallel: one thread against two (checkParallel), ${rounds} interleaved rounds, each check in a fresh process\n`);
  const out: Record<string, unknown>[] = [];
  for (const c of [fourHardKeysCase, rotatedCase]) {
    const w = fileOf(dir, c);
    const one: number[] = [];
    const two: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const a = checkInChild(w.file);
      const b = checkInChild(w.file, ['--workers', '2']);
      if (a.valid !== true || b.valid !== true || b.workers !== 2) process.exitCode = 1;
      one.push(a.checkMs);
      two.push(b.checkMs);
    }
    const speedUp = medianOf(one) / medianOf(two);
    process.stdout.write(
      `${c.name.padEnd(50)} one thread ${one.map(secs).join(' / ')}, two ${two.map(secs).join(' / ')}: speed-up ${speedUp.toFixed(2)}× (medians)\n`,
    );
    out.push({ case: c.name, oneThreadMs: one, twoThreadsMs: two, speedUp: Number(speedUp.toFixed(3)) });
  }
  return out;
}

function runTimeLimit(dir: string): Record<string, unknown>[] {
  process.stdout.write(`\n== time-limit: how far past its limit a check that cannot finish ends (the checker's clock, and the call's wall time)\n`);
  const hard = singleKeyCases.find((c) => c.options.ops === 128_000 && c.options.clients === 10 && c.options.anomaly === 'stale-read')!;
  const out: Record<string, unknown>[] = [];
  for (const [c, limit] of [
    [hard, 1],
    [hard, 5],
    [rotatedCase, 1],
  ] as const) {
    const w = fileOf(dir, c);
    const r = checkInChild(w.file, ['--time-limit', String(limit)]);
    const over = r.elapsedMs - limit * 1000;
    const overCall = r.checkMs - limit * 1000;
    process.stdout.write(
      `${c.name.padEnd(50)} limit ${limit} s: ${verdictWord(r.valid)} (${r.undecided.length} key(s) undecided), ended ${secs(Math.max(0, over))} past it (call: ${secs(Math.max(0, overCall))})\n`,
    );
    out.push({ case: c.name, limitS: limit, valid: r.valid, elapsedMs: r.elapsedMs, checkMs: r.checkMs, overshootMs: Number(over.toFixed(1)) });
  }
  return out;
}

function main(): void {
  const { values: opts } = parseArgs({ options: { only: { type: 'string' }, keep: { type: 'string' } } });
  const sections = new Set((opts.only ?? 'corpus,synthetic,million,parallel,time-limit').split(','));
  process.stdout.write(`checker benchmark (node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})\n`);
  const json: Record<string, unknown> = { bench: 'checker', node: process.version, loadAverageBefore: loadavg()[0] };
  if (sections.has('corpus')) json.corpus = runCorpus();
  const dir = opts.keep ?? mkdtempSync(join(tmpdir(), 'godist-checker-bench-'));
  if (opts.keep) mkdirSync(dir, { recursive: true });
  try {
    if (sections.has('synthetic')) json.synthetic = runSynthetic(dir, readStored());
    if (sections.has('million')) json.million = runMillion(dir);
    if (sections.has('parallel')) json.parallel = runParallel(dir);
    if (sections.has('time-limit')) json.timeLimit = runTimeLimit(dir);
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
  json.loadAverageAfter = loadavg()[0];
  process.stdout.write(`\nload average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n${JSON.stringify(json)}\n`);
}

main();
