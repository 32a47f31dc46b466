/**
 * One proxied TCP connection: the socket the dialling node opened to the link (`client`) and the
 * socket the link opened to the target node (`upstream`). Bytes go `out` (client → upstream) and
 * `back` (upstream → client); what happens to them depends on the link's state, read per chunk.
 *
 * - pass: straight through with backpressure (what `pipe` does, plus a byte count).
 * - delay: each chunk waits in a per-direction queue until due (order kept), then goes on.
 * - cut: every chunk, FIN and close is swallowed; both sockets stay open, so each side waits.
 * - reject: the link resets the connection (`reset`), so nothing flows.
 */
import net, { type Server, type Socket } from 'node:net';
import { deliveryTime, type DelayOptions } from './delay.js';

export interface Address {
  host: string;
  port: number;
}

export type Block = 'cut' | 'reject';

export interface LinkCounters {
  /** Connections accepted, in total. */
  connections: number;
  /** Bytes delivered to the other side, both directions. */
  bytesForwarded: number;
  /** Bytes dropped by a cut, both directions (including delayed bytes still in flight when cut). */
  bytesSwallowed: number;
  /** Connections reset: by `reject`, or because the target could not be reached. */
  resets: number;
  /** Connections closed when a cut healed, because the cut had swallowed part of their stream. */
  dropped: number;
}

/** A connection accepted elsewhere (a front) and handed to a link. */
export interface Adoption {
  /** Bytes already read from the dialling side, in order; they are the first to go out. */
  head?: Buffer;
  /**
   * Where to forward (default: the link's target). A connection whose traffic runs against its dial
   * direction (an etcd stream: the dialled member sends) obeys the link of its traffic but still
   * reaches the node it dialled.
   */
  target?: Address;
}

/** What a connection reads from its link. */
export interface LinkState {
  readonly target: Address;
  readonly block: Block | null;
  readonly delay: DelayOptions | null;
  readonly counters: LinkCounters;
  readonly random: () => number;
  readonly now: () => number;
}

const END = null;
type Item = Buffer | typeof END;

/** Past this many queued bytes in one direction of a delayed link, stop reading from its source. */
const QUEUE_HIGH_WATER = 1 << 20;

interface Lane {
  readonly name: 'out' | 'back';
  items: { at: number; item: Item }[];
  head: number;
  bytes: number;
  /** When the last queued item is due: the next one may not be due earlier. */
  last: number;
  timer: NodeJS.Timeout | null;
}

function lane(name: Lane['name']): Lane {
  return { name, items: [], head: 0, bytes: 0, last: -Infinity, timer: null };
}

export class Connection {
  upstream: Socket | null = null;
  /** A cut swallowed part of this connection's streams: resuming it would hand a peer a torn message. */
  private dirty = false;
  private clientClosed = false;
  private upstreamClosed = false;
  private readonly out = lane('out');
  private readonly back = lane('back');

  /** Where this connection goes: the link's target unless the adopter said otherwise. */
  private readonly destination: Address;

  constructor(
    readonly client: Socket,
    private readonly link: LinkState,
    private readonly gone: (c: Connection) => void,
    adopted: Adoption = {},
  ) {
    this.destination = adopted.target ?? link.target;
    client.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.receive(this.out, chunk));
    client.on('end', () => this.receive(this.out, END));
    client.on('drain', () => this.flow(this.back));
    client.on('error', () => {}); // 'close' follows, with hadError
    client.on('close', (hadError: boolean) => this.closed('client', hadError));
    // A connection made during a cut reaches nobody: the target is dialled when the cut heals.
    if (link.block === null) this.dial();
    // Bytes a front read to learn the link go first, under the link's rules like any others.
    if (adopted.head && adopted.head.length > 0) this.receive(this.out, adopted.head);
  }

  /** The link was just cut: drop what is in flight and keep reading, so senders are not stalled by us. */
  cutNow(): void {
    for (const l of [this.out, this.back]) {
      for (let i = l.head; i < l.items.length; i++) {
        this.dirty = true;
        this.link.counters.bytesSwallowed += l.items[i]!.item?.length ?? 0;
      }
      this.clear(l);
    }
    if (!this.clientClosed) this.client.resume();
    if (this.upstream && !this.upstreamClosed) this.upstream.resume();
  }

  /**
   * The cut healed. A connection that lost bytes (or a FIN, or one side) is closed: its stream is
   * torn, and the peer will reconnect. One that lost nothing, such as an idle keep-alive connection,
   * goes on as if nothing happened; one accepted during the cut reaches its target only now.
   */
  healNow(): void {
    if (this.dirty) {
      this.link.counters.dropped++;
      this.destroy(false);
    } else if (!this.upstream) {
      this.dial();
    }
  }

  /** The delay ended: deliver everything still queued, now, in order. */
  flushNow(): void {
    this.flush(this.out, true);
    this.flush(this.back, true);
  }

  /** Close both sides; with `reset`, with an RST so the dialling node sees ECONNRESET at once. */
  destroy(reset: boolean): void {
    this.clear(this.out);
    this.clear(this.back);
    for (const s of [this.client, this.upstream]) {
      if (!s || s.destroyed) continue;
      if (reset) resetSocket(s);
      else s.destroy();
    }
  }

  private dial(): void {
    const { host, port } = this.destination;
    const up = net.connect({ host, port, allowHalfOpen: true });
    this.upstream = up;
    up.setNoDelay(true);
    up.on('data', (chunk: Buffer) => this.receive(this.back, chunk));
    up.on('end', () => this.receive(this.back, END));
    up.on('drain', () => this.flow(this.out));
    up.on('error', () => {});
    up.on('close', (hadError: boolean) => this.closed('upstream', hadError));
  }

  private source(l: Lane): Socket | null {
    return l.name === 'out' ? this.client : this.upstream;
  }

  private target(l: Lane): Socket | null {
    return l.name === 'out' ? this.upstream : this.client;
  }

  private receive(l: Lane, item: Item): void {
    const { block, delay } = this.link;
    if (block === 'cut') {
      this.dirty = true;
      if (item) this.link.counters.bytesSwallowed += item.length;
      return;
    }
    if (block === 'reject') return; // being reset
    if (delay || l.head < l.items.length) {
      const now = this.link.now();
      const at = delay ? deliveryTime(now, l.last, delay, this.link.random) : Math.max(now, l.last);
      l.items.push({ at, item });
      l.last = at;
      if (item) l.bytes += item.length;
      if (l.bytes > QUEUE_HIGH_WATER) this.source(l)?.pause();
      this.schedule(l);
      return;
    }
    this.deliver(l, item);
  }

  private deliver(l: Lane, item: Item): void {
    const dst = this.target(l);
    if (!dst || dst.destroyed) return;
    if (item === END) {
      dst.end();
      return;
    }
    this.link.counters.bytesForwarded += item.length;
    if (!dst.write(item)) this.source(l)?.pause();
  }

  private schedule(l: Lane): void {
    if (l.timer || l.head >= l.items.length) return;
    const wait = Math.max(0, l.items[l.head]!.at - this.link.now());
    l.timer = setTimeout(() => {
      l.timer = null;
      this.flush(l, false);
    }, wait);
  }

  private flush(l: Lane, all: boolean): void {
    if (l.timer) {
      clearTimeout(l.timer);
      l.timer = null;
    }
    const now = this.link.now();
    while (l.head < l.items.length && (all || l.items[l.head]!.at <= now)) {
      const { item } = l.items[l.head++]!;
      if (item) l.bytes -= item.length;
      this.deliver(l, item);
    }
    if (l.head === l.items.length) {
      l.items = [];
      l.head = 0;
    } else if (l.head > 1024 && l.head * 2 > l.items.length) {
      l.items = l.items.slice(l.head);
      l.head = 0;
    }
    this.schedule(l);
    this.flow(l);
  }

  /** Resume a source paused for backpressure once its destination and its queue have room. */
  private flow(l: Lane): void {
    const src = this.source(l);
    if (!src || src.destroyed || !src.isPaused()) return;
    if (this.link.block === 'cut') return void src.resume();
    const dst = this.target(l);
    if ((dst?.writableNeedDrain ?? false) || l.bytes > QUEUE_HIGH_WATER) return;
    src.resume();
  }

  private clear(l: Lane): void {
    if (l.timer) clearTimeout(l.timer);
    l.timer = null;
    l.items = [];
    l.head = 0;
    l.bytes = 0;
  }

  private closed(side: 'client' | 'upstream', hadError: boolean): void {
    if (side === 'client') this.clientClosed = true;
    else this.upstreamClosed = true;
    if (this.link.block === 'cut') {
      // A black hole: the other side never learns. The cut's heal closes the connection.
      this.dirty = true;
    } else {
      // Nothing more can reach the closed side. Its FIN, if it sent one, already went the other way.
      this.clear(side === 'client' ? this.back : this.out);
      const other = side === 'client' ? this.upstream : this.client;
      if (hadError && other && !other.destroyed) {
        // A reset (or a target that refused us) reaches the other side as a reset.
        if (side === 'upstream') this.link.counters.resets++;
        resetSocket(other);
      }
    }
    if (this.clientClosed && (this.upstream === null || this.upstreamClosed)) {
      this.clear(this.out);
      this.clear(this.back);
      this.gone(this);
    }
  }
}

/** Close with an RST (Node ≥ 18.3 / 16.17), so the peer sees ECONNRESET rather than a clean end. */
/** Where every proxy listens: loopback only. */
export const LISTEN_HOST = '127.0.0.1';

/** Listens on a free loopback port and resolves with it; a failure to listen rejects. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LISTEN_HOST, port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

export function resetSocket(s: Socket): void {
  try {
    s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}
