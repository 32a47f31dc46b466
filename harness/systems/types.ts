/**
 * The seam between the harness and a system under test, in Jepsen's terms its db and its client:
 * how to launch a cluster and know it is ready, how an op becomes ok / fail / info, and, where the
 * system can tell, its own view of the cluster, its log events, what its settings promise and how it
 * explains an anomaly. The harness knows a system only through this record; everything a system knows
 * about itself (endpoints, flags, log events, trace fields) stays in its folder under systems/.
 *
 * A check whose input a system cannot give (no cluster view, no failure detector) is reported as not
 * applicable, with the reason — never as ok.
 */
import type { FaultSpan } from '../history/fault-spans.js';
import type { OpPair } from '../history/pairs.js';
import type { NodeState } from '../process/node-processes.js';
import type { Proxies } from '../proxy/mesh.js';
import type { FaultKind, HarnessSettings, SystemSettings } from '../run/settings.js';

export type { NodeState, SystemSettings };

/** The checks a promise can cover (README "What the settings promise"). */
export type CheckName = 'linearizable' | 'stale-reads' | 'lost-writes' | 'election' | 'failure-detector';

/** Whether a check's anomalies are promised against, and the sentence that says why. */
export interface Promised {
  promised: boolean;
  reason: string;
}

/** What a system's settings promise, per check; a check it does not name is promised nothing. */
export type PromiseTable = Partial<Record<CheckName, Promised>>;

/**
 * What a node's log says about its view, in the harness's words (a system's log reader maps its own
 * log lines onto them): `started` (a new process: no leader yet, every member it was given alive),
 * `member-joined`, `member-left` (a peer left the cluster for good), `alive`/`suspect`/`dead` (a peer's
 * state changed), `stalled` (the node itself did not run for `gapMs`), `leader-elected`, `stopped`.
 */
export type NodeEventName = 'started' | 'member-joined' | 'member-left' | 'alive' | 'suspect' | 'dead' | 'stalled' | 'leader-elected' | 'stopped';
export const NODE_EVENT_NAMES: readonly NodeEventName[] = ['started', 'member-joined', 'member-left', 'alive', 'suspect', 'dead', 'stalled', 'leader-elected', 'stopped'];

/** One such event of one node, on the history's time base. */
export interface NodeEvent {
  /** ns since the run began (the log's epoch-ms `t` moved onto the history's time base). */
  time: number;
  node: string;
  event: NodeEventName;
  peer?: string;
  from?: string;
  silenceMs?: number;
  reason?: string;
  leader?: string;
  gapMs?: number;
}


export type OpName = 'read' | 'write' | 'cas';

/** What a client is asked to do: a read, a write of `value`, or a cas with `value` = [expected, new]. */
export interface OpRequest {
  f: OpName;
  key: string;
  value: unknown;
}

/** Jepsen's completion types: ok happened, fail certainly did not, info is unknown. */
export interface Completion {
  type: 'ok' | 'fail' | 'info';
  /** A read's value (null: the key was missing). */
  value?: unknown;
  error?: string;
  /** Whatever account of the op the system gives (kept in the history as it is, read only by the system). */
  trace?: Record<string, unknown>;
}

export interface Client {
  /** Runs one op through the node at `addr` (a cluster's client address). */
  invoke(addr: string, op: OpRequest): Promise<Completion>;
  close(): void;
}


/** The nodes of one run, as the nemesis and the runner drive them. */
export interface Cluster {
  /** The members now, in the order they came: node-1 … node-n, then those that joined; a member that left is gone. */
  readonly ids: readonly string[];
  /** Each node's client address, members that left included: what clients dial, and what run.json records. */
  addresses: Record<string, string>;
  state(id: string): NodeState;
  /** Starts every node and resolves once the cluster is ready for clients (the system's own rule). */
  startAll(): Promise<void>;
  start(id: string): Promise<void>;
  kill(id: string): Promise<void>;
  pause(id: string): void;
  resume(id: string): void;
  /** Resolves once the cluster has settled after faults; rejects with what it saw after timeoutMs. */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** The proxies every node-to-node byte passes through: partitions and delays. None: they cannot be partitioned. */
  links?: Proxies;
  /**
   * Starts a fresh node `id` that joins through a running member (its links through the proxies
   * like everyone's), and resolves once it serves; it is then in `ids`. Only a system whose faults
   * include `membership` has it.
   */
  join?(id: string): Promise<void>;
  /** Takes member `id` out of the cluster for good (gracefully, where the system can) and stops it; it leaves `ids` at once. */
  leave?(id: string): Promise<void>;
  /** Stops every node (paused ones too) and every proxy. */
  stop(): Promise<void>;
}

/** Where a run keeps a cluster's files, and the randomness it may use (seeded). */
export interface LaunchContext {
  ids: string[];
  /** The run's folder. */
  dir: string;
  /** Where a node's output goes. */
  logFile(id: string): string;
  /** A data directory for a node, inside the run folder: the system creates it when it uses one. */
  dataDir(id: string): string;
  /** Uniform in [0, 1): for the links' delay jitter. */
  random(): number;
}

export type MemberState = 'alive' | 'suspect' | 'dead';

/** One node's own view of the cluster, as sampled while a run goes on. */
export interface ClusterView {
  id: string;
  /** Who the node believes leads; itself when it believes it leads. */
  leader: string | null;
  /** Its member table (itself included); absent when the system has none to show. */
  members?: { id: string; state: MemberState; lastHeardMs?: number }[];
  /** The election term it is in, for systems that number their elections (Raft). */
  term?: number;
}

/** The ring one member routes by: its members, and for each key asked about its replica set there, owner first. */
export interface Ownership {
  members: string[];
  /** In the order of the keys asked; absent when none were. */
  placements?: string[][];
}

/** The timings of a system's failure detector, for judging its suspect/dead marks. */
export interface DetectorTimings {
  heartbeatMs: number;
  suspectAfterMs: number;
  deadAfterMs: number;
  requestTimeoutMs: number;
}

/** What a system's anomaly sentences may use: its settings and the faults the history recorded. */
export interface ExplainContext<S extends SystemSettings = SystemSettings> {
  settings: S;
  faults: readonly FaultSpan[];
}

/** The mechanism behind a stale read or a lost write, as far as the system's traces show it. */
export interface Cause {
  /** A short name (amnesia, replica-set-moved, ...), grouped on in reports and regress. */
  cause: string;
  /** The sentence after the colon: why. */
  text: string;
}

/** One flag of a system (on run and compare), as yargs takes it, and the settings key it fills. */
export interface SystemOption {
  flag: string;
  key: string;
  type: 'string' | 'number' | 'boolean' | 'array';
  describe: string;
  alias?: string;
}

export interface SystemUnderTest<S extends SystemSettings = SystemSettings> {
  name: string;
  /** One line for `godist run --help`. */
  summary: string;
  /** Its own flags on `godist run` and `godist compare`. */
  options: readonly SystemOption[];
  /**
   * Its settings from plain JSON (flags by their keys, a run.json, a regression case), every missing
   * one given its default. Throws a UsageError naming the first impossible one.
   */
  settings(raw: Record<string, unknown>, harness: HarnessSettings): S;
  /** The flags that repeat these settings on a command line. */
  flags(s: S): string[];
  /** Short label for folder names and tables, e.g. `n3r2w2-strict`. */
  label(s: S): string;
  /** The settings as a person reads them: one row each for the report. */
  describe(s: S): [string, string][];
  /** One `--settings` entry of `godist compare` (the part after `name:`) → settings keys. */
  parseSetting(text: string): Record<string, unknown>;
  /** What an entry looks like, for error messages and --help. */
  settingSyntax: string;
  /** The ops its client can run. */
  ops: readonly OpName[];
  /** The faults it can be given. */
  faults: readonly FaultKind[];
  /** What its settings promise under the run's faults (README "What the settings promise"). */
  promises(s: S, harness: HarnessSettings): PromiseTable;
  /** Checks it cannot feed though it shows a view, each with the sentence that says why (its own words). */
  notApplicable?: Partial<Record<CheckName, string>>;
  /** Throws a UsageError when it cannot run on this machine (a missing binary), before anything starts. */
  preflight?(s: S): void;
  /** N/R/W when the system replicates by quorums: what PBS's predictions need. */
  quorums?(s: S): { N: number; R: number; W: number };
  launch(ctx: LaunchContext, s: S, harness: HarnessSettings): Promise<Cluster>;
  client(s: S, harness: HarnessSettings): Client;
  /** One node's own view of the cluster; undefined when it did not answer in time. */
  view?(addr: string, timeoutMs: number): Promise<ClusterView | undefined>;
  /**
   * The ring one member routes by, with the replica sets of `keys` on it (none: the members only);
   * undefined when it did not answer in time. What membership changes are measured by.
   */
  ownership?(addr: string, keys: readonly string[], timeoutMs: number): Promise<Ownership | undefined>;
  /** The events of one node's log that bear on its view, on the history's time base. */
  logEvents?(text: string, epochMs: number): NodeEvent[];
  /**
   * Its failure detector's (or election's) timings, and whether it drops node-to-node messages on
   * purpose (a chaos mode): what the election and failure-detector checks judge marks against.
   */
  detector?(s: S): { timings: DetectorTimings; chaos: boolean };
  /** Why a stale read or lost write happened, from the system's traces. */
  explain?(ctx: ExplainContext<S>, anomaly: StaleReadEvidence | LostWriteEvidence): Cause;
  /** How the op's coordinator spent its time on each replica, when the trace records it (PBS's WARS model). */
  replicaTimings?(trace: Record<string, unknown>): ReplicaTimings | undefined;
  /** The version of the value an op read or wrote, when its trace shows one (sentences; version-guided checking). */
  version?(trace: Record<string, unknown>): number | undefined;
  /** A trace in lines a person reads (the report's op details). */
  traceLines?(trace: Record<string, unknown>): string[];
}

/** One op's replica requests as its coordinator timed them, in ms since it began serving the op. */
export interface ReplicaTimings {
  /** From the coordinator beginning to serve the op to its reply. */
  elapsedMs: number;
  replicas: {
    /** The replica was the coordinator itself (served in process). */
    local: boolean;
    sentMs: number;
    /** When the request left the coordinator (after waiting in its queue for that peer), when known. */
    leftMs?: number;
    /** When the answer came; none: it had not answered when the coordinator replied. */
    answeredMs?: number;
    /** The request failed (refused, timed out): it tells no latency. */
    failed: boolean;
  }[];
}

/** A stale read, as a system's explanation sees it: the read and the newest acknowledged write it missed. */
export interface StaleReadEvidence {
  kind: 'stale-read';
  key: string;
  read: OpPair;
  missed: OpPair;
}

/** A lost write, with the final reads that did not see it. */
export interface LostWriteEvidence {
  kind: 'lost-write';
  key: string;
  write: OpPair;
  finalReads: OpPair[];
}

