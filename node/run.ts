/**
 * Wiring: configuration → replica (replayed from disk when durable) → cluster view → election →
 * coordinator → HTTP server. `startNode` returns a handle to stop it; `runNode` is the command line
 * (flags, one-line errors with exit code 2, clean shutdown on SIGTERM/SIGINT).
 */
import type http from 'node:http';
import { parseAddr, parseFlags, USAGE, type NodeConfig } from './flags.js';
import { ID_PATTERN } from './ids.js';
import { createEventLog, type EventLog } from './log.js';
import { Replica } from './replica.js';
import { Cluster } from './cluster.js';
import { ElectionLoop } from './election-loop.js';
import { Coordinator, serveRead, serveWrite } from './coordinator.js';
import { BadRequest, createServer } from './server.js';
import { Batcher, serveBatch } from './batching.js';
import { guaranteeOf } from './quorum.js';

/** The node cannot start with these settings (port taken, data directory unusable): exit 2. */
export class StartError extends Error {
  override name = 'StartError';
}

export interface RunningNode {
  config: NodeConfig;
  server: http.Server;
  stop(reason: string): Promise<void>;
}

export interface NodeHooks {
  /** Called once the node has left the cluster (POST /cluster/leave) and stopped: the command exits. */
  onLeft?: () => void;
}

export async function startNode(config: NodeConfig, log: EventLog = createEventLog(config.id), hooks: NodeHooks = {}): Promise<RunningNode> {
  const t0 = performance.now();

  let replica: Replica;
  if (config.dataDir) {
    try {
      const opened = await Replica.durable(config.dataDir, config.id, {
        compactAfterBytes: config.compactAfterBytes,
        skipReplay: config.unsafeSkipReplay,
        onCompacted: (r) => log('log-compacted', { ...r }),
        onCompactionFailed: (e) => log('failed', { what: 'log compaction (the log stays whole and keeps growing)', error: e.message }),
      });
      replica = opened.replica;
      const r = opened.replay;
      log('log-replayed', { file: opened.file, records: r.records, keys: replica.store.size, bytes: r.bytes, tornBytes: r.tornBytes, corruptRecords: r.corruptRecords, rewritten: r.rewritten, ms: Math.round(performance.now() - t0) });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code && ['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'EEXIST', 'EISDIR'].includes(err.code)) {
        throw new StartError(`--data-dir ${JSON.stringify(config.dataDir)} cannot hold the log (${err.code}: ${err.message}); give a writable directory`);
      }
      throw e;
    }
  } else replica = Replica.inMemory();

  const cluster = new Cluster(config, log);
  const election = new ElectionLoop(cluster, log);
  const batcher = new Batcher(cluster.transport, { timeoutMs: config.requestTimeoutMs });
  const coordinator = new Coordinator({
    self: config.id,
    R: config.R,
    W: config.W,
    readRepair: config.readRepair,
    replica,
    peers: batcher,
    replicaSet: (key) => cluster.replicaSet(key),
  });

  let leaving: Promise<{ told: string[]; missed: string[] }> | undefined;
  const server = createServer(
    {
      put: (key, value) => coordinator.put(key, value),
      get: (key) => coordinator.get(key),
      status: () => ({
        id: config.id,
        addr: config.addr,
        leader: election.leader,
        members: cluster.statusMembers(),
        config: {
          N: config.N,
          R: config.R,
          W: config.W,
          quorum: config.quorum,
          readRepair: config.readRepair,
          durable: replica.durable,
          chaos: config.chaos,
          ...(config.chaos ? { chaosDrop: config.chaosDrop, chaosDelayMs: config.chaosDelayMs } : {}),
          vnodes: config.vnodes,
          heartbeatMs: config.heartbeatMs,
          suspectAfterMs: config.suspectAfterMs,
          deadAfterMs: config.deadAfterMs,
          requestTimeoutMs: config.requestTimeoutMs,
        },
        guarantee: guaranteeOf({ ...config, durable: replica.durable }),
        keys: replica.store.size,
        stats: {
          replicaBatches: batcher.stats.batches,
          replicaOps: batcher.stats.ops,
          ...(replica.logStats ? { logFsyncs: replica.logStats.batches, logRecords: replica.logStats.records, logCompactions: replica.logStats.compactions } : {}),
        },
      }),
      ring: (keys) => {
        const rings = cluster.rings();
        const ring = config.quorum === 'strict' ? rings.all : rings.routable;
        return {
          id: config.id,
          quorum: config.quorum,
          N: config.N,
          vnodes: config.vnodes,
          members: ring.members,
          ...(keys ? { placements: keys.map((key) => cluster.replicaSet(key)) } : {}),
        };
      },
      dial: (id, addr) => {
        if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new BadRequest('"id" must be a member id such as node-6');
        if (id === config.id) throw new BadRequest(`"id" ${id} is this node itself; give the dial address of another member`);
        if (typeof addr !== 'string' || !parseAddr(addr)) throw new BadRequest('"addr" must be HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:40123');
        cluster.dialVia(id, addr);
        return { id, dial: addr };
      },
      leave: async () => {
        const first = leaving === undefined;
        leaving ??= (async () => {
          election.stop();
          const outcome = await cluster.announceLeave();
          log('left', { told: outcome.told, missed: outcome.missed });
          return outcome;
        })();
        const outcome = await leaving;
        const body = { id: config.id, left: true, ...outcome };
        // The node stops once its answer is out; only the first request's answer stops it.
        return first ? { status: 200, body, after: () => void stop('left').then(() => hooks.onLeft?.()) } : { status: 200, body };
      },
      internal: {
        heartbeat: (body) => cluster.receiveHeartbeat(body, 'heartbeat'),
        join: (body) => cluster.receiveHeartbeat(body, 'join'),
        leave: (body) => cluster.receiveLeave(body),
        election: (body) => election.receiveElection(body),
        leader: (body) => election.receiveLeader(body),
        read: (body) => serveRead(replica, body),
        write: (body) => serveWrite(replica, body),
        batch: (body) => serveBatch(body, { read: (b) => serveRead(replica, b), write: (b) => serveWrite(replica, b) }),
      },
    },
    log,
  );

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new StartError(`cannot listen on --addr ${config.addr}: the address is already in use (stop the other process or pick a free port)`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EACCES') reject(new StartError(`cannot listen on --addr ${config.addr} (${e.code}); give a local address such as 127.0.0.1:8081`));
      else reject(e);
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  }).catch(async (e) => {
    await replica.close();
    throw e;
  });

  cluster.start();
  election.start();
  log('started', {
    addr: config.addr,
    seed: config.seed,
    N: config.N,
    R: config.R,
    W: config.W,
    quorum: config.quorum,
    readRepair: config.readRepair,
    durable: replica.durable,
    chaos: config.chaos,
    members: cluster.membership.ids().length,
    startupMs: Math.round(performance.now() - t0),
    sinceProcessStartMs: Math.round(process.uptime() * 1000),
  });

  let stopping: Promise<void> | undefined;
  function stop(reason: string): Promise<void> {
    stopping ??= (async () => {
      election.stop();
      cluster.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await replica.close();
      log('stopped', { reason });
    })();
    return stopping;
  }
  return { config, server, stop };
}

/** The `godist node` command: resolves once the node serves (or exitCode is set on bad flags). */
export async function runNode(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (parsed.kind === 'invalid') {
    process.stderr.write(`godist node: ${parsed.problems.join('; ')}\n`);
    process.exitCode = 2;
    return;
  }
  // If whoever reads our log goes away, keep serving rather than die of EPIPE.
  process.stdout.on('error', () => {});
  let node: RunningNode;
  try {
    node = await startNode(parsed.config, undefined, { onLeft: () => process.exit(0) });
  } catch (e) {
    if (e instanceof StartError) {
      process.stderr.write(`godist node: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  let signalled = false;
  const onSignal = (signal: string) => {
    if (signalled) process.exit(130); // a second signal: stop waiting
    signalled = true;
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    node.stop(signal).then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`godist node: error while stopping: ${(e as Error)?.stack ?? String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (parsed.config.exitWithParent) {
    // A parent that dies without cleaning up (SIGKILL, an abort) hands its children to init: the
    // changed parent pid is the only trace it leaves, so it is polled.
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) onSignal('parent-exited');
    }, 500);
    watch.unref();
  }
}
