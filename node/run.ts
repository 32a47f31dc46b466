/**
 * Wiring: configuration → replica (replayed from disk when durable) → cluster view → election →
 * coordinator → HTTP server. `startNode` returns a handle to stop it; `runNode` is the command line
 * (flags, one-line errors with exit code 2, clean shutdown on SIGTERM/SIGINT).
 */
import type http from 'node:http';
import { parseFlags, USAGE, type NodeConfig } from './flags.js';
import { createEventLog, type EventLog } from './log.js';
import { Replica } from './replica.js';
import { LogOpenFailed, UnreadableLog, type ReplayResult } from './durable-log.js';
import { Cluster } from './cluster.js';
import { ElectionLoop } from './election-loop.js';
import { Coordinator } from './coordinator.js';
import { createServer } from './server.js';
import { Batcher } from './batching.js';
import { guaranteeOf } from './quorum.js';
import { secretChecker } from './peer-auth.js';
import { replicaRoutes } from './replica-routes.js';
import { keyRules } from './keys.js';

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
        startEmptyIfUnreadable: config.startEmptyIfLogUnreadable,
        onCompacted: (r) => log('log-compacted', { ...r }),
        onCompactionFailed: (e) => log('failed', { what: 'log compaction (the log stays whole and keeps growing)', error: e.message }),
        onAppendsFailing: (e) => log('log-append-failed', { error: e.error, note: 'writes to this replica are refused until its log takes them again; retrying' }),
        onAppendsRecovered: (e) => log('log-append-recovered', { ...e }),
      });
      replica = opened.replica;
      log('log-replayed', { file: opened.file, keys: replica.store.size, ...replayFields(opened.replay), ms: Math.round(performance.now() - t0) });
    } catch (e) {
      throw startErrorOf(e, config.dataDir);
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
  const limits = { maxKeyBytes: config.maxKeyBytes, maxValueBytes: config.maxValueBytes };
  const server = createServer(
    {
      limits,
      ...(config.clusterSecret ? { checkSecret: secretChecker(config.clusterSecret) } : {}),
      put: (key, value) => coordinator.put(key, value),
      get: (key) => coordinator.get(key),
      health: () => {
        const h = replica.logHealth;
        if (!h) return { status: 200, body: { ok: true } };
        if (h.state === 'ok') return { status: 200, body: { ok: true, log: h } };
        return {
          status: 503,
          body: { ok: false, error: `the durable log cannot take writes (${h.error}); writes to this replica are refused until it can (retried every ${h.retryMs} ms)`, log: h },
        };
      },
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
          internalAuth: config.clusterSecret ? 'cluster-secret' : 'open',
          maxKeyBytes: config.maxKeyBytes,
          maxValueBytes: config.maxValueBytes,
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
      dial: ({ id, addr }) => {
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
        ...replicaRoutes(replica, keyRules(limits)),
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
    internalAuth: config.clusterSecret ? 'cluster-secret' : 'open',
    members: cluster.membership.ids().length,
    startupMs: Math.round(performance.now() - t0),
    sinceProcessStartMs: Math.round(process.uptime() * 1000),
  });
  if (!config.clusterSecret) {
    log('internal-routes-open', {
      note: 'no --cluster-secret or GODIST_CLUSTER_SECRET: anyone who can reach this address can act as a member (write any key at any version, add or retire members, take part in elections, redirect the traffic to a member with /cluster/dial, make it leave with /cluster/leave); see docs/node.md',
    });
  }

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

/** The log-replayed event's fields: counts, and what was dropped and where it was kept. */
function replayFields(r: ReplayResult): Record<string, unknown> {
  return {
    records: r.records,
    bytes: r.bytes,
    tornBytes: r.tornBytes,
    corruptRecords: r.corruptRecords,
    rewritten: r.rewritten,
    ...(r.discarded
      ? { discarded: { file: r.discarded.file, bytes: r.discarded.bytes, ranges: r.discarded.ranges.slice(0, 20).map((d) => [d.from, d.to]), rangeCount: r.discarded.ranges.length } }
      : {}),
    ...(r.tornBytes + r.corruptRecords > 0 ? { newestDroppedKeys: r.newestDroppedKeys.slice(0, 100), newestDroppedKeyCount: r.newestDroppedKeys.length, droppedWithoutKey: r.droppedWithoutKey } : {}),
    ...(r.rewriteSkipped ? { rewriteSkipped: r.rewriteSkipped } : {}),
    ...(r.movedAside ? { movedAside: r.movedAside } : {}),
  };
}

/** Why a durable node cannot start, as one line for a person (exit 2); anything else is a bug. */
function startErrorOf(e: unknown, dataDir: string): unknown {
  if (e instanceof UnreadableLog) return new StartError(`${e.message}. Restore it, or start with --start-empty-if-log-unreadable to move it aside and start empty`);
  if (e instanceof LogOpenFailed) return new StartError(e.message);
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) return e;
  const dir = JSON.stringify(dataDir);
  if (['ENOSPC', 'EDQUOT', 'EFBIG'].includes(err.code)) return new StartError(`--data-dir ${dir}: its disk is full (${err.code}: ${err.message}); free some space and start again`);
  if (['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'EEXIST', 'EISDIR'].includes(err.code)) {
    return new StartError(`--data-dir ${dir} cannot hold the log (${err.code}: ${err.message}); give a writable directory`);
  }
  return new StartError(`--data-dir ${dir}: the log cannot be opened (${err.code}: ${err.message})`);
}

/** The `godist node` command: resolves once the node serves (or exitCode is set on bad flags). */
export async function runNode(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags(argv, process.env);
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
