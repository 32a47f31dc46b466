/**
 * One directed link: a TCP proxy on a loopback port the OS picks. Node `from` dials it to reach node
 * `to`; every connection it accepts is forwarded to `to`'s real address, and the replies come back on
 * the same connection. Cutting the link therefore stalls the requests `from` makes to `to` (and
 * their replies), and nothing `to` sends to `from` on its own connections, which use the link
 * `to → from`.
 *
 * A link has two independent layers, so a partition and a slow network can overlap:
 * - block: none, `cut` (black hole) or `reject` (reset);
 * - delay: none, or latency with jitter.
 * A block wins over a delay while it lasts; `heal()` clears both.
 */
import net, { type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Connection, LISTEN_HOST, listenOnLoopback, resetSocket, type Adoption, type Address, type Block, type LinkCounters, type LinkState } from './connection.js';
import { checkDelay, type DelayOptions } from './delay.js';

export type LinkMode = 'pass' | 'cut' | 'reject' | 'delay';

export interface LinkStats extends LinkCounters {
  from: string;
  to: string;
  port: number;
  mode: LinkMode;
  /** Connections open right now. */
  openConnections: number;
}

export interface LinkOptions {
  from: string;
  to: string;
  /** The real address of node `to`: loopback only. */
  target: Address;
  /** Uniform in [0, 1), for delay jitter (default Math.random). */
  random?: () => number;
  /** Milliseconds, monotonic (default performance.now). */
  now?: () => number;
}

export interface Link {
  readonly from: string;
  readonly to: string;
  readonly target: Address;
  /** The port this link listens on, on 127.0.0.1. */
  readonly port: number;
  /** `127.0.0.1:<port>`: what node `from` dials to reach node `to`. */
  readonly address: string;
  readonly mode: LinkMode;
  /** Black hole: connections, old and new, stay open and every byte is swallowed. */
  cut(): void;
  /** Reset every connection, old and new, at once. */
  reject(): void;
  /** End a cut or a reject; a delay, if set, applies again. */
  unblock(): void;
  /** Add latency with jitter to every chunk, in both directions, keeping each direction's order. */
  delay(options: DelayOptions): void;
  /** End a delay: what is still queued is delivered now. */
  undelay(): void;
  /** Back to pass: no block, no delay. */
  heal(): void;
  /**
   * Take over a connection accepted elsewhere (a front that read its first bytes to learn which link
   * it belongs to): from here on it obeys this link as if it had dialled the link's own port.
   */
  adopt(socket: Socket, adoption?: Adoption): void;
  stats(): LinkStats;
  /** Close the listening port and destroy every socket. Idempotent; the work is done before it returns. */
  close(): Promise<void>;
}

export async function startLink(options: LinkOptions): Promise<Link> {
  const { from, to } = options;
  const target = { host: options.target.host, port: options.target.port };
  if (!isLoopback(target.host)) {
    throw new Error(`link ${from} → ${to}: target ${target.host} is not a loopback address (127.0.0.0/8)`);
  }
  const counters: LinkCounters = { connections: 0, bytesForwarded: 0, bytesSwallowed: 0, resets: 0, dropped: 0 };
  const state = {
    target,
    block: null as Block | null,
    delay: null as DelayOptions | null,
    counters,
    random: options.random ?? Math.random,
    now: options.now ?? (() => performance.now()),
  } satisfies LinkState;
  const connections = new Set<Connection>();
  let closing: Promise<void> | undefined;

  const accept = (socket: Socket, adoption?: Adoption): void => {
    counters.connections++;
    if (closing) return void socket.destroy();
    if (state.block === 'reject') {
      socket.on('error', () => {});
      counters.resets++;
      return void resetSocket(socket);
    }
    connections.add(new Connection(socket, state, (c) => connections.delete(c), adoption));
  };
  const server: Server = net.createServer({ allowHalfOpen: true }, (socket: Socket) => accept(socket));
  server.on('error', () => {}); // after listen, a server error has no one to report to; close() still works

  const port = await listenOnLoopback(server);

  const setBlock = (block: Block | null): void => {
    if (closing || state.block === block) return;
    const was = state.block;
    state.block = block;
    if (block === 'reject') {
      for (const c of connections) {
        counters.resets++;
        c.destroy(true);
      }
    } else if (block === 'cut') {
      for (const c of connections) c.cutNow();
    } else if (was === 'cut') {
      for (const c of [...connections]) c.healNow();
    }
  };

  const undelay = (): void => {
    if (!state.delay) return;
    state.delay = null;
    for (const c of connections) c.flushNow();
  };

  const mode = (): LinkMode => state.block ?? (state.delay ? 'delay' : 'pass');

  return {
    from,
    to,
    target,
    port,
    address: `${LISTEN_HOST}:${port}`,
    get mode() {
      return mode();
    },
    cut: () => setBlock('cut'),
    reject: () => setBlock('reject'),
    unblock: () => setBlock(null),
    delay(delay) {
      checkDelay(delay);
      if (!closing) state.delay = { ms: delay.ms, jitterMs: delay.jitterMs ?? 0 };
    },
    undelay,
    heal() {
      undelay();
      setBlock(null);
    },
    adopt: accept,
    stats: () => ({ from, to, port, mode: mode(), openConnections: connections.size, ...counters }),
    close() {
      if (!closing) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections) c.destroy(false);
        connections.clear();
        closing = closed;
      }
      return closing;
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || (net.isIPv4(host) && host.startsWith('127.'));
}
