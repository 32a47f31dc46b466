/**
 * Which directed link an etcd peer connection obeys, from the head of its first HTTP request.
 * Pure: `harness/proxy/front.ts` calls it for each connection a member's front accepts.
 *
 * What etcd 3.4's rafthttp sends (docs/etcd.md): a member dials each peer for two long-lived streams,
 * `GET /raft/stream/message/<own id>` and `GET /raft/stream/msgapp/<own id>`, on which the *dialled*
 * member writes its Raft messages to the dialler; it falls back to `POST /raft` (pipeline) for its own
 * messages when the stream is down, and sends snapshots with `POST /raft/snapshot`. All of these name
 * the dialler in `X-PeerURLs` (its advertised peer URLs) and `X-Server-From` (its member id, hex).
 * `GET /members`, `/version` and `/raft/probing` name no one and carry no Raft message.
 *
 * So link `a → b` means "a's Raft messages to b": a stream b dialled from a, or a pipeline a dialled to b.
 */
import type { RequestHead } from '../../proxy/http-head.js';
import type { LinkPair, NodeId } from '../../proxy/links.js';

export interface PeerDirectory {
  /** Advertised peer URL (`http://host:port`) → member name. */
  byUrl: ReadonlyMap<string, NodeId>;
  /** Member id in hex, as `X-Server-From` writes it (no leading zeros) → member name; learnt once the cluster answers. */
  byId: ReadonlyMap<string, NodeId>;
}

const STREAM_PREFIX = '/raft/stream/';

/** The member that dialled, or undefined when the head names none we know. */
export function dialler(head: RequestHead, directory: PeerDirectory): NodeId | undefined {
  for (const url of (head.headers['x-peerurls'] ?? '').split(',')) {
    const name = directory.byUrl.get(url.trim().replace(/\/+$/, ''));
    if (name !== undefined) return name;
  }
  const id = head.headers['x-server-from'];
  return id === undefined ? undefined : directory.byId.get(id.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** The link whose rules apply to a connection `to` accepted. */
export function routePeerConnection(head: RequestHead, to: NodeId, directory: PeerDirectory): LinkPair | undefined {
  const from = dialler(head, directory);
  if (from === undefined || from === to) return undefined;
  return head.path.startsWith(STREAM_PREFIX) ? [to, from] : [from, to];
}

/** etcd's JSON writes member ids as decimal strings of a uint64; rafthttp's headers write them in hex. */
export function hexMemberId(decimal: string): string {
  return BigInt(decimal).toString(16);
}
