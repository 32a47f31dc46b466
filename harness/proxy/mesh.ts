/**
 * The full mesh of links for one cluster: one link per ordered pair of nodes. The harness starts each
 * node with, for every peer, the address of the link from it to that peer (`peers(id)`), so every
 * node-to-node byte passes through here; clients talk to the nodes directly. A node that joins later
 * gets its links both ways to every node (`addNode`); one that leaves loses them (`removeNode`).
 */
import type { LinkPair, NodeId, Partition } from './links.js';
import type { Address } from './connection.js';
import type { DelayOptions } from './delay.js';
import { startLink, type Link, type LinkStats } from './link.js';

export interface ProxiesOptions {
  /** Uniform in [0, 1), for delay jitter (default Math.random). */
  random?: () => number;
  /** Milliseconds, monotonic (default performance.now). */
  now?: () => number;
}

export interface Proxies {
  /** The nodes the mesh links now. */
  readonly nodes: readonly NodeId[];
  /** Links both ways between a new node and every node of the mesh; as they are (pass) until a fault says otherwise. */
  addNode(id: NodeId, target: Address): Promise<void>;
  /** Closes every link to and from the node, and forgets it. */
  removeNode(id: NodeId): Promise<void>;
  link(from: NodeId, to: NodeId): Link;
  links(): Link[];
  /** `127.0.0.1:<port>`: what node `from` dials to reach node `to`. */
  linkAddress(from: NodeId, to: NodeId): string;
  /** Every peer of `from` and the address `from` dials to reach it (for the node's `--peer` flags). */
  peers(from: NodeId): Record<NodeId, string>;
  /**
   * Make this the partition: its links are cut (or reset, with `mode: 'reject'`), every other link
   * that was cut or reset heals. Delays are left as they are. Throws, changing nothing, on an
   * unknown node or a link from a node to itself.
   */
  apply(partition: Partition): void;
  /** End the partition (every cut and reject); delays stay. */
  heal(): void;
  /** Latency with jitter on these links, in both directions of their connections. */
  delay(links: readonly LinkPair[], options: DelayOptions): void;
  /** End the delay on these links (default: all); what is queued is delivered now. */
  undelay(links?: readonly LinkPair[]): void;
  /** Every link back to pass: no partition, no delay. */
  healAll(): void;
  stats(): LinkStats[];
  /** Close every link; idempotent, and its work is done before it returns (safe in exit handlers). */
  close(): Promise<void>;
}

/** Start one link per ordered pair of the given nodes, each forwarding to the node's real address. */
export async function startProxies(
  targets: Readonly<Record<NodeId, Address>>,
  options: ProxiesOptions = {},
): Promise<Proxies> {
  const nodes = Object.keys(targets);
  const addresses = new Map<NodeId, Address>(nodes.map((id) => [id, targets[id]!]));
  const pairs: LinkPair[] = nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to): LinkPair => [from, to]));
  const links = await startAll(pairs, addresses, options);

  const byKey = new Map(links.map((l) => [key(l.from, l.to), l]));
  const get = (from: NodeId, to: NodeId): Link => {
    const l = byKey.get(key(from, to));
    if (!l) {
      const why = from === to ? 'a node has no link to itself' : `known nodes: ${nodes.join(', ')}`;
      throw new Error(`no link ${from} → ${to} (${why})`);
    }
    return l;
  };
  const resolve = (pairs: readonly LinkPair[]): Link[] => pairs.map(([from, to]) => get(from, to));
  let closing: Promise<void> | undefined;

  return {
    get nodes() {
      return [...nodes];
    },
    async addNode(id, target) {
      if (closing) throw new Error(`cannot add ${id}: the links are closed`);
      if (addresses.has(id)) throw new Error(`${id} is already in the mesh`);
      addresses.set(id, target);
      const added = await startAll(nodes.flatMap((other): LinkPair[] => [[id, other], [other, id]]), addresses, options).catch((e: unknown) => {
        addresses.delete(id);
        throw e;
      });
      nodes.push(id);
      links.push(...added);
      for (const l of added) byKey.set(key(l.from, l.to), l);
    },
    async removeNode(id) {
      if (!addresses.has(id)) return;
      addresses.delete(id);
      nodes.splice(nodes.indexOf(id), 1);
      const gone = links.filter((l) => l.from === id || l.to === id);
      for (const l of gone) {
        links.splice(links.indexOf(l), 1);
        byKey.delete(key(l.from, l.to));
      }
      await Promise.all(gone.map((l) => l.close()));
    },
    link: get,
    links: () => [...links],
    linkAddress: (from, to) => get(from, to).address,
    peers(from) {
      if (!nodes.includes(from)) throw new Error(`unknown node ${from} (known nodes: ${nodes.join(', ')})`);
      return Object.fromEntries(nodes.filter((to) => to !== from).map((to) => [to, get(from, to).address]));
    },
    apply(partition) {
      const down = new Set(resolve(partition.cut));
      const mode = partition.mode ?? 'cut';
      if (mode !== 'cut' && mode !== 'reject') throw new Error(`unknown partition mode ${JSON.stringify(mode)} (cut or reject)`);
      for (const l of links) {
        if (!down.has(l)) l.unblock();
        else if (mode === 'reject') l.reject();
        else l.cut();
      }
    },
    heal: () => links.forEach((l) => l.unblock()),
    delay(pairs, delay) {
      for (const l of resolve(pairs)) l.delay(delay);
    },
    undelay(pairs) {
      for (const l of pairs ? resolve(pairs) : links) l.undelay();
    },
    healAll: () => links.forEach((l) => l.heal()),
    stats: () => links.map((l) => l.stats()),
    close() {
      closing ??= Promise.all(links.map((l) => l.close())).then(() => undefined);
      return closing;
    },
  };
}

/** Starts every link of `pairs`; if one fails, closes those that started and throws. */
async function startAll(pairs: readonly LinkPair[], addresses: ReadonlyMap<NodeId, Address>, options: ProxiesOptions): Promise<Link[]> {
  const started = await Promise.allSettled(pairs.map(([from, to]) => startLink({ from, to, target: addresses.get(to)!, ...options })));
  const links = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(links.map((l) => l.close()));
    throw failure.reason;
  }
  return links;
}

function key(from: NodeId, to: NodeId): string {
  return `${from}\u0000${to}`;
}
