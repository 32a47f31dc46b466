/**
 * `npm run bench:witness`: a long single-key register history with versions, decided by the
 * version pass, beside the search alone (`versions: false`) on the same history under a time
 * limit.
 *
 * The history is synthetic and seeded: 30 processes (by default) issue reads and writes of unique
 * values back to back; each op takes effect at a random instant between its call and its return
 * (a few ops stall for up to half a second, as under pauses), so the history is linearizable by
 * construction; writes take the next version at that instant, with a random coordinator as
 * writer; reads report the version they saw. About 1% of writes end with an unknown outcome: half
 * took effect, half did not; half of each reported a version (a reply that missed its quorum), the
 * rest none (a timeout). An op whose outcome is unknown frees its process for the next one.
 *
 *   npm run bench:witness -- [--ops 1000000] [--concurrency 30] [--seed 1] [--search-seconds 30] [--history path/history.jsonl]
 *
 * With --history, a recorded godist history is checked the same way instead, each key under its
 * own time limit, and the keys are counted: decided by both (they must agree), and left undecided
 * by the search alone but decided by versions. Prints one line per measurement and ends with one
 * JSON line; exits 4 if the two checks disagree on a key both decided.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { checkOperations, models, type CheckResult, type Operation } from '../harness/checker/index.js';
import { toWitnessOps } from '../harness/checker/version-pass.js';
import { witnessLinearization } from '../harness/checker/version-witness.js';
import { parseHistory } from '../harness/cli/check.js';
import { createRandom } from '../harness/shared/random.js';

interface Settings {
  ops: number;
  concurrency: number;
  seed: number;
  searchSeconds: number;
  history?: string;
}

function settings(argv: string[]): Settings {
  const s: Settings = { ops: 1_000_000, concurrency: 30, seed: 1, searchSeconds: 30 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--history' && value) s.history = value;
    else if (flag === '--ops') s.ops = Number(value);
    else if (flag === '--concurrency') s.concurrency = Number(value);
    else if (flag === '--seed') s.seed = Number(value);
    else if (flag === '--search-seconds') s.searchSeconds = Number(value);
    else {
      process.stderr.write(`bench:witness: unknown option ${flag} (--ops, --concurrency, --seed, --search-seconds, --history)\n`);
      process.exit(2);
    }
  }
  return s;
}

/** A linearizable single-key history with versions, as described above. Times in ns. */
export function syntheticHistory(count: number, concurrency: number, seed: number): Operation[] {
  const random = createRandom(seed);
  const coordinators = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];
  interface Draft {
    op: Operation;
    /** When it takes effect; Infinity: never. */
    at: number;
    /** For a write of unknown outcome: does it report its version? */
    reports: boolean;
  }
  const drafts: Draft[] = [];
  const clock = new Float64Array(concurrency);
  let nextProcess = concurrency;
  const processOf = Array.from({ length: concurrency }, (_, i) => i);
  for (let k = 0; k < count; k++) {
    const slot = k % concurrency;
    const call = clock[slot]! + random.int(1_000_000);
    const stall = random.next() < 0.002;
    const duration = stall ? 50_000_000 + random.int(450_000_000) : 500_000 + random.int(4_500_000);
    const ret = call + duration;
    clock[slot] = ret;
    const isWrite = random.next() < 0.5;
    const unknown = isWrite && random.next() < 0.01;
    const op: Operation = { id: k, process: processOf[slot]!, f: isWrite ? 'write' : 'read', key: 'k0', value: isWrite ? k : null, call, return: unknown ? Infinity : ret };
    if (unknown) processOf[slot] = nextProcess++;
    const tookEffect = !unknown || random.next() < 0.5;
    drafts.push({ op, at: tookEffect ? call + random.next() * duration : Infinity, reports: random.next() < 0.5 });
  }
  // Apply the ops in the order they take effect.
  const byEffect = drafts.filter((d) => d.at !== Infinity).sort((a, b) => a.at - b.at);
  let version = 0;
  let value: number | null = null;
  let writer: string | undefined;
  for (const d of byEffect) {
    if (d.op.f === 'write') {
      version++;
      value = d.op.value as number;
      writer = random.pick(coordinators);
      if (d.op.return !== Infinity || d.reports) {
        d.op.version = version;
        d.op.writer = writer;
      }
    } else {
      d.op.output = value;
      if (value !== null) {
        d.op.version = version;
        d.op.writer = writer!;
      }
    }
  }
  // Unknown writes that never took effect: half reported the version they would have had (a tie
  // with the next write's, from another coordinator).
  for (const d of drafts) {
    if (d.at !== Infinity || !d.reports) continue;
    let lo = 0;
    let hi = byEffect.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byEffect[mid]!.at <= d.op.call) lo = mid + 1;
      else hi = mid;
    }
    while (lo < byEffect.length && byEffect[lo]!.op.f !== 'write') lo++;
    d.op.version = lo < byEffect.length ? (byEffect[lo]!.op.version ?? version + 1) : version + 1;
    d.op.writer = random.pick(coordinators);
  }
  return drafts.map((d) => d.op).sort((a, b) => a.call - b.call || a.id - b.id);
}

const clock = () => performance.now();

interface Measure {
  what: string;
  valid: CheckResult['valid'];
  decidedBy: string;
  ms: number;
  unknownReason?: string;
  heapMb: number;
}

function measure(what: string, ops: Operation[], versions: boolean, limitMs: number): { m: Measure; result: CheckResult } {
  global.gc?.();
  const started = clock();
  const r = checkOperations(ops, { model: 'register', perKey: true, versions, timeLimitMs: limitMs, now: clock });
  const ms = clock() - started;
  const by = new Map<string, number>();
  for (const p of r.partitions) by.set(p.decidedBy ?? 'undecided', (by.get(p.decidedBy ?? 'undecided') ?? 0) + 1);
  const m: Measure = {
    what,
    valid: r.valid,
    decidedBy: [...by].map(([k, n]) => `${k} ${n}`).join(', '),
    ms: Math.round(ms),
    heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
  const reasons = [...new Set(r.partitions.flatMap((p) => (p.unknownReason ? [p.unknownReason] : [])))];
  if (reasons.length > 0) m.unknownReason = reasons.join(', ');
  process.stdout.write(
    `  ${what.padEnd(28)} ${String(m.valid).padEnd(8)} ${(m.ms / 1000).toFixed(2).padStart(8)} s   decided by: ${m.decidedBy}${m.unknownReason ? ` (${m.unknownReason})` : ''}   heap ${m.heapMb} MB\n`,
  );
  return { m, result: r };
}

function main() {
  const s = settings(process.argv.slice(2));
  const load = loadavg()[0]!.toFixed(2);
  let ops: Operation[];
  let source: string;
  if (s.history) {
    ops = parseHistory(readFileSync(s.history), 'jsonl').ops;
    source = s.history;
  } else {
    const t = clock();
    ops = syntheticHistory(s.ops, s.concurrency, s.seed);
    source = `synthetic: ${s.ops} ops on one key, ${s.concurrency} processes, seed ${s.seed} (built in ${((clock() - t) / 1000).toFixed(1)} s)`;
  }
  const unknown = ops.filter((op) => op.return === Infinity).length;
  process.stdout.write(`version witness benchmark (node ${process.version}, load average ${load})\n  ${source}; ${ops.length} ops, ${unknown} of unknown outcome\n`);
  if (!s.history) {
    // The witness alone, on the key's ops as the pass hands them over (check.ts's own work, such as
    // splitting the history by key, excluded).
    global.gc?.();
    const t0 = clock();
    const input = toWitnessOps(models.register, ops);
    const t1 = clock();
    const verdict = witnessLinearization(models.register, input);
    const t2 = clock();
    process.stdout.write(`  witness alone                ${verdict.kind.padEnd(8)} ${((t2 - t1) / 1000).toFixed(2).padStart(8)} s   (its input built in ${((t1 - t0) / 1000).toFixed(2)} s)\n`);
  }
  const limit = s.searchSeconds * 1000;
  const { m: witness, result: withVersions } = measure(`version pass (then search${s.history ? `, ${s.searchSeconds} s a key` : ''})`, ops, true, limit);
  const { m: search, result: searchOnly } = measure(`search alone (${s.searchSeconds} s${s.history ? ' a key' : ''})`, ops, false, limit);
  // Keys by who decided them, and whether the two checks ever disagree where both decided.
  const alone = new Map(searchOnly.partitions.map((p) => [p.key, p.valid]));
  let bothDecided = 0;
  let disagree = 0;
  let onlyVersions = 0;
  for (const p of withVersions.partitions) {
    const other = alone.get(p.key);
    if (p.valid !== 'unknown' && other !== 'unknown') {
      bothDecided++;
      if (p.valid !== other) disagree++;
    }
    if (p.decidedBy === 'versions' && other === 'unknown') onlyVersions++;
  }
  const keys = { total: withVersions.partitions.length, bothDecided, disagree, undecidedBySearchDecidedByVersions: onlyVersions };
  process.stdout.write(`  keys: ${keys.total}; decided by both: ${bothDecided} (disagreeing: ${disagree}); left undecided by the search alone but decided by versions: ${onlyVersions}\n`);
  process.stdout.write(`${JSON.stringify({ source, ops: ops.length, unknown, loadAverage: Number(load), witness, search, keys })}\n`);
  if (disagree > 0) process.exitCode = 4;
}

main();
