import type { ReplicaTrace } from '../history/op.js';
import type { RunSettings } from '../run/settings.js';

/**
 * The seam between the harness and the system it tests: how to launch one node, how a client talks
 * to it, and how to read a node's own view of the cluster. Another store plugs in by providing one.
 */
export interface SystemUnderTest {
  name: string;
  /** The command line of one node process. */
  nodeCommand(launch: NodeLaunch, settings: RunSettings): { file: string; args: string[] };
  client(options: ClientOptions): KvClient;
  /** This node's view of the cluster, or undefined when it does not answer in time. */
  clusterView(addr: string, timeoutMs: number): Promise<ClusterView | undefined>;
}

export interface NodeLaunch {
  id: string;
  host: string;
  port: number;
  /** Address to join through (already routed through the harness's proxy for that link). */
  seed?: string;
  /** For each peer id, the address this node must dial to reach it (the harness's proxies). */
  peers: Record<string, string>;
  /** Set when nodes persist their store. */
  dataDir?: string;
}

export interface ClientOptions {
  /** A request that takes longer completes as info: it may still take effect. */
  timeoutMs: number;
  maxSocketsPerNode: number;
}

/** Jepsen's completion types: ok happened, fail certainly did not, info is unknown. */
export interface Completion {
  type: 'ok' | 'fail' | 'info';
  value?: unknown;
  error?: string;
  trace?: ReplicaTrace;
}

export interface KvClient {
  read(addr: string, key: string): Promise<Completion>;
  write(addr: string, key: string, value: unknown): Promise<Completion>;
  close(): void;
}

export type MemberState = 'alive' | 'suspect' | 'dead';

export interface ClusterView {
  id: string;
  leader: string | null;
  members: { id: string; state: MemberState; lastHeardMs?: number }[];
}
