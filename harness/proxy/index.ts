/**
 * Partitions without iptables: TCP proxies the harness owns, one per directed node-to-node link.
 *
 * What a link `a → b` is: the port node a dials to reach node b. Every connection a opens to b goes
 * through it, and b's replies come back on that same connection. Node b's own requests to a use
 * the other link, `b → a`.
 *
 * What the modes mean:
 * - pass: bytes go straight through (streamed with backpressure; TCP_NODELAY on both sockets).
 * - cut: a black hole. Connections already open and those opened during the cut stay open, and every
 *   byte, in both directions, is swallowed, so a's requests to b time out as on a real partition
 *   (a's connects still succeed: the proxy accepts them; it is the answer that never comes). Cutting
 *   only `a → b` is a one-way cut: a cannot reach b, while b's requests to a still arrive and are
 *   answered. `isolate-one-way` of x cuts every `x → other` link and none of `other → x`.
 * - reject: every connection, old and new, is reset at once (RST), so a sees ECONNRESET quickly.
 * - delay: each chunk is held ms ± jitterMs (uniform; jitter from an injectable random source), in
 *   both directions, without reordering a direction. A round trip through a delayed link therefore
 *   gains about 2 × ms.
 * - heal: back to pass. Swallowed bytes are never replayed (they were lost on the wire). A
 *   connection that lost any byte, FIN or close to the cut is closed at heal (its HTTP stream is
 *   torn, and a clean close makes a keep-alive client drop it from its pool and reconnect); a
 *   connection that lost nothing, typically an idle keep-alive socket, simply carries on, so the
 *   pool needs no reconnect at all; a connection accepted during the cut dials b only now.
 * - A target that refuses or resets (b killed) shows to a as a reset of its connection: the proxy
 *   had already accepted it, so a sees ECONNRESET, not ECONNREFUSED.
 *
 * Cuts and delays are independent layers of a link: a partition and a slow network can overlap, and
 * ending one leaves the other.
 *
 * Fronts (`proxy/front.ts`), for systems whose nodes all dial the one address each peer advertises
 * (etcd): one port per node that reads each connection's first HTTP request head, asks the system
 * which link the connection's traffic belongs to, and hands it to that link (`Link.adopt`), so the
 * modes above apply unchanged. What names no sender passes straight through, counted.
 */
export { startLink, type Link, type LinkMode, type LinkOptions, type LinkStats } from './link.js';
export { startProxies, type Proxies, type ProxiesOptions } from './mesh.js';
export { deliveryTime, type DelayOptions } from './delay.js';
export { startFronts, type FrontStats, type Fronts, type RouteByHead } from './front.js';
export { parseRequestHead, type RequestHead } from './http-head.js';
export type { Address, Adoption, LinkCounters } from './connection.js';
export type { LinkPair, NodeId, Partition } from './links.js';
