import pLimit from 'p-limit';
import type { HistoryWriter } from '../history/writer.js';
import type { Client, Cluster, OpRequest } from '../systems/types.js';
import { createKeyRing } from '../../workloads/key-ring.js';
import type { Workload } from '../../workloads/workload.js';
import type { Random } from '../shared/random.js';
import type { HarnessSettings } from './settings.js';

export interface Tally {
  ok: number;
  fail: number;
  info: number;
}

export interface RunnerContext {
  settings: HarnessSettings;
  cluster: Pick<Cluster, 'ids' | 'addresses'>;
  client: Client;
  history: HistoryWriter;
  workload: Workload;
  random: Random;
  tally: Tally;
}

interface Assignment {
  request: OpRequest;
  /** Pins the op to a node (final reads); otherwise the process's own node serves it. */
  node?: string;
  final?: boolean;
}

/**
 * Runs `concurrency` workers, each a Jepsen process: it invokes one op at a time, records the
 * invocation and the completion, and after an info (unknown outcome) hands over to a fresh process
 * number, since the old process might still be acting. Returns the next unused process number.
 */
async function drive(ctx: RunnerContext, firstProcess: number, next: (worker: number) => Assignment | undefined, pause: (worker: number) => Promise<void>): Promise<number> {
  const { settings, cluster, client, history, tally } = ctx;
  const limit = pLimit(settings.concurrency);
  let highest = firstProcess + settings.concurrency - 1;
  const nodes = nodeChooser(cluster, settings.concurrency);
  await Promise.all(
    Array.from({ length: settings.concurrency }, (_, worker) =>
      limit(async () => {
        let process = firstProcess + worker;
        for (;;) {
          await pause(worker);
          const assignment = next(worker);
          if (!assignment) return;
          const { request } = assignment;
          const node = assignment.node ?? nodes(worker, process);
          const extra = assignment.final ? { final: true } : {};
          history.append({ type: 'invoke', process, f: request.f, key: request.key, value: request.value, node, ...extra });
          const done = await client.invoke(cluster.addresses[node]!, request);
          // A read records what it returned; a write or cas what it asked for.
          const value = request.f !== 'read' ? request.value : done.type === 'ok' ? (done.value ?? null) : null;
          history.append({
            type: done.type,
            process,
            f: request.f,
            key: request.key,
            value,
            node,
            ...(done.error === undefined ? {} : { error: done.error }),
            ...(done.trace === undefined ? {} : { trace: done.trace }),
            ...extra,
          });
          tally[done.type]++;
          if (done.type === 'info') {
            process += settings.concurrency;
            highest = Math.max(highest, process);
          }
        }
      }),
    ),
  );
  return highest + 1;
}

/**
 * The node each process talks to: process mod members, as Jepsen maps processes to nodes, kept for
 * the process's life; when its node leaves the cluster, the worker moves to the member that fewest
 * workers talk to (members come and go under the membership nemesis; with fixed members this is
 * process mod n throughout).
 */
export function nodeChooser(cluster: Pick<Cluster, 'ids'>, workers: number): (worker: number, process: number) => string {
  const current: ({ process: number; node: string } | undefined)[] = new Array(workers).fill(undefined);
  return (worker, process) => {
    const ids = cluster.ids;
    const mine = current[worker];
    let node: string;
    if (mine && mine.process === process && ids.includes(mine.node)) node = mine.node;
    else if (!mine || mine.process !== process) node = ids[process % ids.length]!;
    else {
      const load = (id: string) => current.filter((c, w) => w !== worker && c?.node === id).length;
      node = ids.reduce((best, id) => (load(id) < load(best) ? id : best));
    }
    current[worker] = { process, node };
    return node;
  };
}

/** The main phase: workers issue the workload's ops at the configured rate until `shouldStop()`. */
export function runWorkload(ctx: RunnerContext, shouldStop: () => boolean): Promise<number> {
  const { settings, workload, random } = ctx;
  let counter = 0;
  const nextValue = () => ++counter;
  const ring = createKeyRing(settings.keys, settings.keyOps);
  const shared = new Map<string, unknown>();
  const generators = Array.from({ length: settings.concurrency }, (_, worker) => {
    const ops = random.fork(`ops-${worker}`);
    return workload.generator({ random: ops, worker, keys: settings.keys, key: () => ring.next(ops), nextValue, shared });
  });
  const staggers = Array.from({ length: settings.concurrency }, (_, worker) => random.fork(`stagger-${worker}`));
  // Jepsen's stagger: a uniform pause in [0, 2·gap) keeps the mean rate without lock-step workers.
  const meanGapMs = (1000 * settings.concurrency) / settings.rate;
  return drive(
    ctx,
    0,
    (worker) => (shouldStop() ? undefined : { request: generators[worker]!() }),
    (worker) => sleepUnless(staggers[worker]!.next() * 2 * meanGapMs, shouldStop),
  );
}

/**
 * The final phase: every key read through every node, so the checks see what the cluster kept. A
 * coordinator usually hears its own replica first, so with a small R a value that survives on any
 * one replica still shows in some final read: a write is called lost only when none shows it.
 */
export async function finalReads(ctx: RunnerContext, firstProcess: number): Promise<number> {
  const { cluster, workload, history } = ctx;
  const keys = workload.finalKeys(history.ops);
  const queue: Assignment[] = keys.flatMap((key) => cluster.ids.map((node) => ({ request: { f: 'read' as const, key, value: null }, node, final: true })));
  let at = 0;
  return drive(ctx, firstProcess, () => queue[at++], async () => {});
}

function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  // Timers cannot wait less than a millisecond: a shorter pause is no pause (unthrottled runs).
  if (stop() || ms < 1) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
