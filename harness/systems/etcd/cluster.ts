/**
 * An etcd cluster of child processes on free loopback ports, every member's peer traffic through the
 * harness's links (a front per member, `harness/proxy/front.ts`, routed by `peer-routing.ts`), each
 * member with its own data directory. Every process is registered for cleanup when it starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { onCleanup } from '../../process/cleanup.js';
import { freePorts } from '../../process/ports.js';
import { startFronts, type Fronts } from '../../proxy/front.js';
import { startProxies, type Proxies } from '../../proxy/mesh.js';
import { findEtcd } from './binary.js';
import { createViewSampler, namesOf, type MemberNames, type MemberView } from './cluster-view.js';
import { createGateway, toBase64 } from './gateway.js';
import { memberArgs, type ClusterPlan, type ClusterState, type MemberPlan } from './member-args.js';
import { spawnMember, type MemberProcess } from './member-process.js';
import { hexMemberId, routePeerConnection, type PeerDirectory } from './peer-routing.js';
import type { EtcdSettings } from './settings.js';

export type MemberState = 'running' | 'paused' | 'killed' | 'stopped';

export interface EtcdClusterOptions {
  names: readonly string[];
  /** Each member's data directory (created if missing). */
  dataDir(name: string): string;
  /** Where each member's log goes (`<name>.log`), unless `logFile` names each file. */
  logDir?: string;
  logFile?: (name: string) => string;
  settings: EtcdSettings;
  /** Uniform in [0, 1), for the links' delay jitter (default Math.random). */
  random?: () => number;
  /** The etcd binary (default: `etcd` on PATH; a UsageError saying how to install it when missing). */
  binary?: string;
}

export interface EtcdCluster {
  names: readonly string[];
  /** `host:port` of the member's client API (clients dial it directly, not through the proxies). */
  clientAddr(name: string): string;
  /** The peer URL's `host:port` the member advertises: its front. */
  advertisedPeerAddr(name: string): string;
  proxies: Proxies;
  fronts: Fronts;
  /** Decimal member id → name, known once the cluster first answered. */
  memberNames(): MemberNames;
  state(name: string): MemberState;
  /** Starts every member (`--initial-cluster-state new`) and waits until the cluster is ready. */
  start(timeoutMs?: number): Promise<void>;
  /** SIGKILL; resolves once the process is gone. */
  kill(name: string): Promise<void>;
  /** Starts a killed member again on its data directory (`existing`); does not wait for it to serve. */
  restart(name: string): Promise<void>;
  pause(name: string): void;
  resume(name: string): void;
  /** Resolves once every running member knows a leader and answers a linearizable read. */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** Each running member's view; undefined for one that does not answer in time (or is not running). */
  views(timeoutMs: number): Promise<Map<string, MemberView | undefined>>;
  /** Kills every member, then closes the fronts and the links. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startEtcdCluster(o: EtcdClusterOptions): Promise<EtcdCluster> {
  const binary = o.binary ?? findEtcd();
  const names = [...o.names];
  const ports = await freePorts(2 * names.length, HOST);
  const clientOf = new Map(names.map((n, i) => [n, `${HOST}:${ports[2 * i]}`]));
  const peerTargets = Object.fromEntries(names.map((n, i) => [n, { host: HOST, port: ports[2 * i + 1]! }]));
  const directory: { byUrl: Map<string, string>; byId: Map<string, string> } = { byUrl: new Map(), byId: new Map() };
  const logFile = o.logFile ?? ((name: string) => path.join(o.logDir ?? '.', `${name}.log`));
  const proxies = await startProxies(peerTargets, o.random ? { random: o.random } : {});
  let fronts: Fronts;
  try {
    fronts = await startFronts(proxies, peerTargets, (head, to) => routePeerConnection(head, to, directory satisfies PeerDirectory));
  } catch (error) {
    await proxies.close();
    throw error;
  }
  const forgetLinks = onCleanup(() => {
    void fronts.close();
    void proxies.close();
  });

  const plan: ClusterPlan = {
    token: `godist-${randomBytes(6).toString('hex')}`,
    members: names.map((name): MemberPlan => ({
      name,
      client: clientOf.get(name)!,
      peer: `${HOST}:${peerTargets[name]!.port}`,
      advertisedPeer: fronts.address(name),
      dataDir: o.dataDir(name),
    })),
  };
  for (const m of plan.members) directory.byUrl.set(`http://${m.advertisedPeer}`, m.name);

  const states = new Map<string, MemberState>(names.map((n) => [n, 'stopped']));
  const running = new Map<string, MemberProcess>();
  let ids: MemberNames = new Map();
  const gateway = createGateway({ maxSocketsPerMember: 2 });
  const sampler = createViewSampler(() => ids, gateway);
  let stopping: Promise<void> | undefined;

  const planOf = (name: string): MemberPlan => {
    const m = plan.members.find((p) => p.name === name);
    if (!m) throw new Error(`unknown member ${name} (members: ${names.join(', ')})`);
    return m;
  };

  const launch = (name: string, state: ClusterState): void => {
    if (running.has(name)) throw new Error(`${name} is already running`);
    const member = planOf(name);
    mkdirSync(member.dataDir, { recursive: true, mode: 0o700 });
    const child = spawnMember(binary, memberArgs(member, plan, o.settings, state), logFile(name));
    running.set(name, child);
    states.set(name, 'running');
    void child.exited.then(() => {
      if (running.get(name) !== child) return;
      running.delete(name);
      if (states.get(name) === 'running' || states.get(name) === 'paused') states.set(name, 'killed');
    });
  };

  const views = async (timeoutMs: number) =>
    new Map(
      await Promise.all(
        names.map(async (n) => [n, states.get(n) === 'running' ? await sampler.view(clientOf.get(n)!, timeoutMs) : undefined] as const),
      ),
    );

  /** Why a running member is not ready yet, or undefined when it is. */
  const notReady = async (name: string): Promise<string | undefined> => {
    const addr = clientOf.get(name)!;
    const view = await sampler.view(addr, 500);
    if (!view) return `${name} does not answer`;
    if (view.leader === null) return `${name} knows no leader (term ${view.term})`;
    const read = await gateway.post(addr, '/v3/kv/range', { key: toBase64('godist-ready') }, 1000);
    if (read.kind !== 'response' || read.status !== 200) return `${name} fails a linearizable read`;
    return undefined;
  };

  const waitUntilReady = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let last = 'no member started';
    while (Date.now() < deadline) {
      const up = names.filter((n) => states.get(n) === 'running');
      const dead = names.filter((n) => states.get(n) === 'killed');
      if (dead.length > 0 && up.length === 0) break;
      const problems = (await Promise.all(up.map(notReady))).filter((p): p is string => p !== undefined);
      if (up.length > 0 && problems.length === 0) {
        await learnIds(clientOf.get(up[0]!)!);
        return;
      }
      last = problems.join('; ') || last;
      await sleep(50);
    }
    const exited = names.filter((n) => states.get(n) === 'killed');
    const why = exited.length > 0 ? `${exited.join(', ')} exited (see ${logFile(exited[0]!)})` : last;
    throw new Error(`etcd cluster not ready within ${timeoutMs} ms: ${why}`);
  };

  /** Resolves once the member answers on its real peer port, i.e. its peer handlers are up. */
  const waitUntilServingPeers = async (name: string, deadline: number): Promise<void> => {
    const addr = planOf(name).peer;
    while (Date.now() < deadline) {
      if (states.get(name) !== 'running') throw new Error(`etcd member ${name} exited during start-up (see ${logFile(name)})`);
      if (await answersPeerRequests(addr)) return;
      await sleep(20);
    }
    throw new Error(`etcd member ${name} did not serve its peers on ${addr} in time (see ${logFile(name)})`);
  };

  const learnIds = async (addr: string): Promise<void> => {
    if (ids.size === names.length) return;
    const reply = await gateway.post(addr, '/v3/cluster/member/list', {}, 1000);
    if (reply.kind !== 'response' || reply.status !== 200) return;
    ids = namesOf(reply.body);
    for (const [id, name] of ids) directory.byId.set(hexMemberId(id), name);
  };

  return {
    names,
    clientAddr: (name) => planOf(name).client,
    advertisedPeerAddr: (name) => planOf(name).advertisedPeer,
    proxies,
    fronts,
    memberNames: () => ids,
    state: (name) => states.get(name) ?? 'stopped',
    async start(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      // One at a time: a new member first asks every peer whether it is already bootstrapped
      // (`GET /members`, one second each), and a peer that is itself still starting holds the
      // question that long, while one not started yet refuses it at once. Started together, three
      // members spend 2 s on that and five 4 s; one after the other, each waits for nobody.
      for (const name of names) {
        launch(name, 'new');
        await waitUntilServingPeers(name, deadline);
      }
      await waitUntilReady(Math.max(0, deadline - Date.now()));
    },
    async kill(name) {
      const child = running.get(name);
      if (!child) return;
      states.set(name, 'killed');
      child.signal('SIGKILL');
      await child.exited;
      // The guard's exit can be seen before the member's sockets are closed: a restart then finds
      // its port still bound, and a client is reset rather than refused. Wait for both to close.
      const member = planOf(name);
      await Promise.all([member.client, member.peer].map((addr) => waitUntilRefused(addr, 2000)));
    },
    async restart(name) {
      launch(name, 'existing');
    },
    pause(name) {
      const child = running.get(name);
      if (!child) return;
      child.signal('SIGSTOP');
      states.set(name, 'paused');
    },
    resume(name) {
      const child = running.get(name);
      if (!child) return;
      child.signal('SIGCONT');
      states.set(name, 'running');
    },
    waitUntilReady,
    views,
    stop() {
      stopping ??= (async () => {
        await Promise.all(
          [...running.entries()].map(async ([name, child]) => {
            states.set(name, 'stopped');
            child.signal('SIGCONT');
            child.signal('SIGKILL');
            await child.exited;
          }),
        );
        gateway.close();
        await fronts.close();
        await proxies.close();
        forgetLinks();
      })();
      return stopping;
    },
  };
}

/** Resolves once nothing listens at `addr` (a connect is refused), or after `timeoutMs`. */
async function waitUntilRefused(addr: string, timeoutMs: number): Promise<void> {
  const at = addr.lastIndexOf(':');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: addr.slice(0, at), port: Number(addr.slice(at + 1)) });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await sleep(10);
  }
}

function answersPeerRequests(addr: string): Promise<boolean> {
  const at = addr.lastIndexOf(':');
  return new Promise((resolve) => {
    const req = http.get({ host: addr.slice(0, at), port: Number(addr.slice(at + 1)), path: '/members', agent: false, timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
