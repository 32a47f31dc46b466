import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { killProcessGroup, trackProcessGroup, untrackProcessGroup } from './cleanup.js';
import type { RunSettings } from '../run/settings.js';
import type { ClusterView, NodeLaunch, SystemUnderTest } from '../systems/types.js';

export type NodeState = 'running' | 'paused' | 'killed' | 'stopped';

export interface ClusterOptions {
  sut: SystemUnderTest;
  settings: RunSettings;
  host: string;
  /** One port per node id. */
  ports: Record<string, number>;
  /** The address `from` must dial to reach `to` (a proxy the harness owns, or the node itself). */
  route(from: string, to: string): string;
  logDir: string;
  /** Per-node data directory when nodes are durable. */
  dataDir?: (id: string) => string;
}

export interface Cluster {
  ids: string[];
  /** The node's own client address (clients bypass the proxies). */
  addr(id: string): string;
  state(id: string): NodeState;
  start(id: string): Promise<void>;
  kill(id: string): Promise<void>;
  pause(id: string): void;
  resume(id: string): void;
  /** Resolves once every running node sees every member alive; rejects with what it saw after timeoutMs. */
  waitUntilConverged(timeoutMs: number): Promise<void>;
  views(timeoutMs: number): Promise<Map<string, ClusterView | undefined>>;
  stopAll(): Promise<void>;
}

interface Running {
  child: ResultPromise;
  pid: number;
  exited: Promise<void>;
}

export function createCluster(o: ClusterOptions): Cluster {
  const ids = Object.keys(o.ports);
  const states = new Map<string, NodeState>(ids.map((id) => [id, 'stopped']));
  const running = new Map<string, Running>();
  const addr = (id: string) => `${o.host}:${o.ports[id]}`;
  mkdirSync(o.logDir, { recursive: true });

  function launchOf(id: string): NodeLaunch {
    const peers: Record<string, string> = {};
    for (const other of ids) if (other !== id) peers[other] = o.route(id, other);
    // Every node but the first joins through the first; the first joins through the second, so a
    // restarted first node finds the cluster again without waiting to be heartbeated.
    const seedId = id === ids[0] ? ids[1] : ids[0];
    const launch: NodeLaunch = { id, host: o.host, port: o.ports[id]!, peers };
    if (seedId !== undefined && (id !== ids[0] || states.get(seedId) === 'running')) launch.seed = o.route(id, seedId);
    if (o.dataDir) {
      launch.dataDir = o.dataDir(id);
      mkdirSync(launch.dataDir, { recursive: true });
    }
    return launch;
  }

  async function start(id: string): Promise<void> {
    if (running.has(id)) throw new Error(`${id} is already running`);
    const { file, args } = o.sut.nodeCommand(launchOf(id), o.settings);
    const log = { file: path.join(o.logDir, `${id}.log`), append: true };
    // detached: the node leads its own process group, so Ctrl-C reaches only the harness, which
    // then ends every node itself (paused ones included).
    const child = execa(file, args, { detached: true, cleanup: false, reject: false, stdin: 'ignore', stdout: log, stderr: log });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${id}: ${file} ${args.join(' ')}`);
    trackProcessGroup(pid);
    const exited = child.then(() => {
      untrackProcessGroup(pid);
      if (running.get(id)?.pid === pid) {
        running.delete(id);
        if (states.get(id) === 'running' || states.get(id) === 'paused') states.set(id, 'killed');
      }
    });
    running.set(id, { child, pid, exited });
    states.set(id, 'running');
    await waitForHealth(o.sut, addr(id), exited, 10_000, id);
  }

  async function kill(id: string): Promise<void> {
    const r = running.get(id);
    if (!r) return;
    states.set(id, 'killed');
    killProcessGroup(r.pid, 'SIGKILL');
    await r.exited;
  }

  function signal(id: string, sig: NodeJS.Signals, next: NodeState): void {
    const r = running.get(id);
    if (!r) return;
    killProcessGroup(r.pid, sig);
    states.set(id, next);
  }

  async function views(timeoutMs: number): Promise<Map<string, ClusterView | undefined>> {
    const entries = await Promise.all(
      ids.map(async (id) => [id, states.get(id) === 'running' ? await o.sut.clusterView(addr(id), timeoutMs) : undefined] as const),
    );
    return new Map(entries);
  }

  return {
    ids,
    addr,
    state: (id) => states.get(id) ?? 'stopped',
    start,
    kill,
    pause: (id) => signal(id, 'SIGSTOP', 'paused'),
    resume: (id) => signal(id, 'SIGCONT', 'running'),
    views,
    async waitUntilConverged(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const seen = await views(500);
        const lagging = ids.flatMap((id) => {
          if (states.get(id) !== 'running') return [];
          const view = seen.get(id);
          if (!view) return [`${id} did not answer`];
          const notAlive = ids.filter((other) => view.members.find((m) => m.id === other)?.state !== 'alive');
          return notAlive.length > 0 ? [`${id} does not see ${notAlive.join(', ')} alive`] : [];
        });
        if (lagging.length === 0) return;
        last = lagging.join('; ');
        await sleep(50);
      }
      throw new Error(`cluster did not converge within ${timeoutMs} ms: ${last}`);
    },
    async stopAll() {
      await Promise.all(
        [...running.entries()].map(async ([id, r]) => {
          states.set(id, 'stopped');
          killProcessGroup(r.pid, 'SIGCONT');
          killProcessGroup(r.pid, 'SIGKILL');
          await r.exited;
        }),
      );
    },
  };
}

async function waitForHealth(sut: SystemUnderTest, addr: string, exited: Promise<void>, timeoutMs: number, id: string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${id} exited during start-up (see its log)`);
    if (await sut.clusterView(addr, 300)) return;
    await sleep(20);
  }
  throw new Error(`${id} did not answer on ${addr} within ${timeoutMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
