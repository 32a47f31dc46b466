/**
 * `npm run bench:checker`: checks every history of the Porcupine corpus, timing the check alone
 * (parsing excluded, as in Porcupine's reference figures), and compares with Porcupine's times on
 * the same files (reference-timings.tsv: Go, one core, median of one CheckEvents call).
 *
 * After one untimed pass over the corpus (JIT warm-up), per file: a few warm-up calls, then 5–30
 * timed repetitions (tiny files are timed in batches so the clock's resolution does not matter);
 * min and median per call. Ends with one JSON line. The machine's load average is printed: the
 * figures are only comparable on a quiet machine.
 * Exits 1 when a verdict is wrong.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { checkOperations } from '../harness/checker/index.js';
import { corpusDir, loadCorpus, type CorpusFile } from '../test/fixtures/porcupine-corpus.js';

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

function main(): void {
  const dir = corpusDir();
  const refs = readReference(dir);
  const corpus = loadCorpus(dir);
  const timings: Timing[] = [];
  process.stdout.write(`checker benchmark: ${corpus.length} histories from ${dir} (node ${process.version}, load average ${loadavg()[0]!.toFixed(2)})\n`);
  // One untimed pass over everything first: V8 compiles and optimizes as code gets hot, and
  // Porcupine's figures are of compiled code. A cold process's first check is reported apart.
  const coldStart = clock();
  const cold = checkOnce(corpus[0]!);
  const coldMs = clock() - coldStart;
  if (cold.valid !== corpus[0]!.expected) process.exitCode = 1;
  for (let pass = 0; pass < 2; pass++) for (const f of corpus) checkOnce(f);
  process.stdout.write(`${'file'.padEnd(22)} ${'verdict'.padEnd(9)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'cpu'.padStart(9)} ${'porcupine'.padStart(16)} ${'ratio'.padStart(6)}\n`);
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
  process.stdout.write('\nclass                 ours: wall (cpu), sum of medians   porcupine (run 1 / run 2)\n');
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
    `\ntotal ${ms(totalOurs)} ms vs Porcupine ${summary['everything']!.porcupineMs.map(ms).join(' / ')} ms; ` +
      `worst file ${worst.file} at ${worst.ratio!.toFixed(2)}× Porcupine; ${over.length} file(s) over 2×; ${wrong.length} wrong verdict(s)\n`,
  );
  process.stdout.write(`a cold process's first check (${corpus[0]!.name}): ${ms(coldMs)} ms\n`);
  const json = {
    bench: 'checker',
    node: process.version,
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
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
    porcupineTotalMs: summary['everything']!.porcupineMs,
    withinPorcupineTotal: totalOurs <= totalRef,
    worstRatio: { file: worst.file, ratio: Number(worst.ratio!.toFixed(3)) },
    filesOver2x: over.map((t) => t.file),
    wrongVerdicts: wrong.map((t) => t.file),
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
  if (wrong.length > 0) process.exitCode = 1;
}

main();
