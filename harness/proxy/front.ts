/**
 * Fronts: one port per node for systems whose nodes all dial the one address each peer advertises
 * (etcd), so no per-link address can be handed out. A front stands where its node's advertised address
 * points, reads the head of each connection's first HTTP request, asks `route` which directed link
 * the connection's traffic belongs to, and hands the connection over (bytes already read, still
 * bound for this node) so the link's rules apply to it as to a connection dialled to the link's own
 * port: cut, reject, delay, heal. A connection `route` cannot place passes straight to the node and
 * is counted as unidentified.
 */
import net, { type Server, type Socket } from 'node:net';
import type { LinkPair, NodeId } from './links.js';
import { Connection, LISTEN_HOST, listenOnLoopback, type Address, type LinkCounters, type LinkState } from './connection.js';
import { parseRequestHead, type RequestHead } from './http-head.js';
import type { Proxies } from './mesh.js';

/** Which link a connection to `node` obeys, from its first request's head; undefined: none. */
export type RouteByHead = (head: RequestHead, node: NodeId) => LinkPair | undefined;

export interface FrontStats {
  node: NodeId;
  port: number;
  /** Connections handed to a link. */
  identified: number;
  /** Connections that named no known sender, or were not HTTP: passed straight through. */
  unidentified: number;
}

export interface Fronts {
  /** `127.0.0.1:<port>`: what every peer of `node` dials (the address `node` advertises). */
  address(node: NodeId): string;
  stats(): FrontStats[];
  /** Close every front and every connection it accepted, links' included; idempotent. */
  close(): Promise<void>;
}

/** One front per node, forwarding to the node's real address through the links of `proxies`. */
export async function startFronts(proxies: Proxies, targets: Readonly<Record<NodeId, Address>>, route: RouteByHead): Promise<Fronts> {
  const started = await Promise.allSettled(Object.entries(targets).map(([node, target]) => startFront(proxies, node, target, route)));
  const fronts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(fronts.map((f) => f.close()));
    throw failure.reason;
  }
  const byNode = new Map(fronts.map((f) => [f.node, f]));
  let closing: Promise<void> | undefined;
  return {
    address(node) {
      const f = byNode.get(node);
      if (!f) throw new Error(`no front for ${node} (known nodes: ${[...byNode.keys()].join(', ')})`);
      return `${LISTEN_HOST}:${f.port}`;
    },
    stats: () => fronts.map((f) => f.stats()),
    close() {
      closing ??= Promise.all(fronts.map((f) => f.close())).then(() => undefined);
      return closing;
    },
  };
}

interface Front {
  node: NodeId;
  port: number;
  stats(): FrontStats;
  close(): Promise<void>;
}

async function startFront(proxies: Proxies, node: NodeId, target: Address, route: RouteByHead): Promise<Front> {
  const counts = { identified: 0, unidentified: 0 };
  // Every socket this front accepted, whoever owns it now: the server's close waits for all of them.
  const accepted = new Set<Socket>();
  const passing = new Set<Connection>();
  // Unidentified connections obey no link: a state that never blocks nor delays.
  const pass: LinkState = {
    target,
    block: null,
    delay: null,
    counters: { connections: 0, bytesForwarded: 0, bytesSwallowed: 0, resets: 0, dropped: 0 } satisfies LinkCounters,
    random: Math.random,
    now: () => 0,
  };
  let closing: Promise<void> | undefined;

  const placeOf = (head: RequestHead): ReturnType<Proxies['link']> | undefined => {
    const pair = route(head, node);
    if (!pair) return undefined;
    try {
      return proxies.link(pair[0], pair[1]);
    } catch {
      return undefined; // a sender the mesh does not know (or the node itself): not ours to cut
    }
  };

  const server: Server = net.createServer({ allowHalfOpen: true }, (socket: Socket) => {
    if (closing) return void socket.destroy();
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
    let bytes: Buffer = Buffer.alloc(0);
    const handOver = (head: RequestHead | undefined): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      const link = head && placeOf(head);
      // Both calls add their own 'data' listener in this same tick, so no chunk is missed.
      if (link) {
        counts.identified++;
        link.adopt(socket, { head: bytes, target });
      } else {
        counts.unidentified++;
        passing.add(new Connection(socket, pass, (c) => passing.delete(c), { head: bytes }));
      }
    };
    const onData = (chunk: Buffer): void => {
      bytes = bytes.length === 0 ? chunk : Buffer.concat([bytes, chunk]);
      const head = parseRequestHead(bytes);
      if (head === 'incomplete') return;
      handOver(head === 'invalid' ? undefined : head);
    };
    // A dialler that stops sending before its head is complete never made a request: drop it.
    const onEnd = (): void => void socket.destroy();
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', () => {});
  });
  server.on('error', () => {});
  const port = await listenOnLoopback(server);
  return {
    node,
    port,
    stats: () => ({ node, port, ...counts }),
    close() {
      if (!closing) {
        closing = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of passing) c.destroy(false);
        for (const s of accepted) s.destroy();
        passing.clear();
        accepted.clear();
      }
      return closing;
    },
  };
}
