/**
 * Samples the cluster's own view while a run goes on: every `intervalMs`, each node the harness
 * believes is running is asked for its view (as the system shows it), directly (not through the proxies, as the
 * clients do), with a short timeout. A paused node, or one too busy to answer in time, yields no
 * sample; a node is never asked twice at once. Each answer is one line of `cluster.jsonl`, stamped
 * with the history's clock at the moment the request left.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ClusterSample } from '../checks/observations.js';
import type { ClusterView } from '../systems/types.js';
import { nearestRank } from '../shared/sorted.js';

export interface SamplerOptions {
  /** The nodes to ask: a list, or the members of the moment (they change under the membership nemesis). */
  ids: readonly string[] | (() => readonly string[]);
  /** Only nodes for which this is true are asked (the harness's own record: not paused, not killed). */
  running(id: string): boolean;
  addr(id: string): string;
  view(addr: string, timeoutMs: number): Promise<ClusterView | undefined>;
  /** The history's clock: ns since the run began. */
  now(): number;
  /** cluster.jsonl; none when undefined (tests). */
  file?: string;
  intervalMs?: number;
  timeoutMs?: number;
}

export interface SamplingSummary {
  intervalMs: number;
  timeoutMs: number;
  /** ns since the run began: when sampling began and ended. */
  start: number;
  end: number;
  /** Requests sent, answered, and those that got no answer in time. */
  asked: number;
  samples: number;
  missed: number;
  /** Round trips of the answered requests, ms. */
  rttMs: { p50: number; p99: number; max: number } | null;
}

export interface ClusterSampler {
  readonly samples: readonly ClusterSample[];
  /** Stops asking, waits for the requests in flight, closes the file. */
  stop(): Promise<SamplingSummary>;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 150;
export const DEFAULT_SAMPLE_TIMEOUT_MS = 300;

export function startClusterSampler(o: SamplerOptions): ClusterSampler {
  const intervalMs = o.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const timeoutMs = o.timeoutMs ?? DEFAULT_SAMPLE_TIMEOUT_MS;
  const fd = o.file === undefined ? undefined : openSync(o.file, 'w');
  const samples: ClusterSample[] = [];
  const inFlight = new Map<string, Promise<void>>();
  const rtts: number[] = [];
  let asked = 0;
  let missed = 0;
  let pending: string[] = [];
  let stopped = false;
  const start = o.now();

  const flush = () => {
    if (fd === undefined || pending.length === 0) return;
    writeSync(fd, pending.join(''));
    pending = [];
  };

  const ask = (id: string) => {
    const time = o.now();
    asked++;
    const request = o.view(o.addr(id), timeoutMs).then(
      (view) => {
        inFlight.delete(id);
        if (!view) {
          missed++;
          return;
        }
        const rttMs = Math.round((o.now() - time) / 1e4) / 100;
        rtts.push(rttMs);
        const sample: ClusterSample = { time, node: id, leader: view.leader, members: view.members ?? [], ...(view.term !== undefined ? { term: view.term } : {}), rttMs };
        samples.push(sample);
        pending.push(JSON.stringify(sample) + '\n');
      },
      () => {
        inFlight.delete(id);
        missed++;
      },
    );
    inFlight.set(id, request);
  };

  const tick = () => {
    if (stopped) return;
    for (const id of idsOf(o)) if (o.running(id) && !inFlight.has(id)) ask(id);
    flush();
  };
  const timer = setInterval(tick, intervalMs);
  tick();

  return {
    samples,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight.values());
      flush();
      if (fd !== undefined) closeSync(fd);
      samples.sort((a, b) => a.time - b.time);
      const sorted = [...rtts].sort((a, b) => a - b);
      const q = (p: number) => nearestRank(sorted, p);
      return {
        intervalMs,
        timeoutMs,
        start,
        end: o.now(),
        asked,
        samples: samples.length,
        missed,
        rttMs: sorted.length > 0 ? { p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1]! } : null,
      };
    },
  };
}

/**
 * Waits until every running node that answers names the same leader, and that leader is one of
 * them: elections settle within a second or two of start-up, and a run should begin from a
 * settled cluster, so that what the election check finds is the faults' doing. Returns the leader,
 * or undefined when the cluster did not settle within `timeoutMs` (the run goes on; the check will
 * show it).
 */
export async function waitForOneLeader(
  o: Pick<SamplerOptions, 'ids' | 'running' | 'addr' | 'view'>,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const running = idsOf(o).filter((id) => o.running(id));
    const views = await Promise.all(running.map((id) => o.view(o.addr(id), 300)));
    const leaders = new Set(views.map((v) => v?.leader ?? null));
    const [leader] = [...leaders];
    if (views.every((v) => v !== undefined) && leaders.size === 1 && typeof leader === 'string' && running.includes(leader)) return leader;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

function idsOf(o: Pick<SamplerOptions, 'ids'>): readonly string[] {
  return typeof o.ids === 'function' ? o.ids() : o.ids;
}
