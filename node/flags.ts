/**
 * Command-line flags → node configuration. Pure: returns the configuration and a list of problems
 * (each a sentence naming the flag, its value and what would be right); the caller prints them.
 * This file is the single source of the node's flags: `godist node` forwards its arguments here.
 */
import { parseArgs } from 'node:util';
import { ID_PATTERN } from './ids.js';
import { quorumProblems, type QuorumMode, type ReadRepairMode } from './quorum.js';
import { MAX_MEMBERS } from './membership.js';
import { SECRET_ENV, secretProblem } from './peer-auth.js';
import { DEFAULT_LIMITS, MOST_KEY_BYTES, MOST_VALUE_BYTES } from './keys.js';

export interface NodeConfig {
  id: string;
  /** host:port this node listens on and advertises. */
  addr: string;
  host: string;
  port: number;
  /** host:port of a member to join through, if any. */
  seed: string | null;
  N: number;
  R: number;
  W: number;
  chaos: boolean;
  chaosDrop: number;
  chaosDelayMs: readonly [number, number];
  heartbeatMs: number;
  suspectAfterMs: number;
  deadAfterMs: number;
  requestTimeoutMs: number;
  vnodes: number;
  /** `--peer id=addr`: dial this address to reach that member, whatever it advertises. */
  peers: ReadonlyMap<string, string>;
  readRepair: ReadRepairMode;
  quorum: QuorumMode;
  dataDir: string | null;
  /** The durable log is compacted to a snapshot once it grows past this many bytes. */
  compactAfterBytes: number;
  /** Stop when the process that started this node goes away (the harness sets it: no orphans). */
  exitWithParent: boolean;
  /**
   * A deliberate bug, for testing the harness: with --data-dir, start empty instead of replaying the
   * log, as if the replay had been forgotten. `godist regress` must catch it.
   */
  unsafeSkipReplay: boolean;
  /**
   * The cluster secret every /internal/ request must carry (`--cluster-secret`, else the environment
   * variable GODIST_CLUSTER_SECRET); null: internal routes are open, as in the seed. Never logged.
   */
  clusterSecret: string | null;
  /** The largest key and value (UTF-8 bytes) a put, or a peer's write, may carry. */
  maxKeyBytes: number;
  maxValueBytes: number;
  /**
   * With --data-dir, a log of which no record can be read is moved aside and the node starts empty;
   * without this the node refuses to start (it would forget every write it acknowledged).
   */
  startEmptyIfLogUnreadable: boolean;
}

export const DEFAULTS = {
  N: 3,
  R: 2,
  W: 2,
  chaosDrop: 0.1,
  chaosDelayMs: [5, 50] as const,
  heartbeatMs: 200,
  suspectAfterMs: 1000,
  deadAfterMs: 3000,
  requestTimeoutMs: 500,
  vnodes: 64,
  readRepair: 'async' as ReadRepairMode,
  quorum: 'sloppy' as QuorumMode,
  compactAfterBytes: 16 * 1024 * 1024,
};

const OPTIONS = {
  id: { type: 'string' },
  addr: { type: 'string' },
  seed: { type: 'string' },
  replicas: { type: 'string', short: 'N' },
  'read-quorum': { type: 'string', short: 'R' },
  'write-quorum': { type: 'string', short: 'W' },
  chaos: { type: 'boolean' },
  'chaos-drop': { type: 'string' },
  'chaos-delay-ms': { type: 'string' },
  'heartbeat-ms': { type: 'string' },
  'suspect-after-ms': { type: 'string' },
  'dead-after-ms': { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  vnodes: { type: 'string' },
  peer: { type: 'string', multiple: true },
  'read-repair': { type: 'string' },
  quorum: { type: 'string' },
  'data-dir': { type: 'string' },
  'compact-after-bytes': { type: 'string' },
  'exit-with-parent': { type: 'boolean' },
  'unsafe-skip-replay': { type: 'boolean' },
  'cluster-secret': { type: 'string' },
  'max-key-bytes': { type: 'string' },
  'max-value-bytes': { type: 'string' },
  'start-empty-if-log-unreadable': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--N 3` and the seed's Go-style single-dash long flags (`-id node-1 -addr ...`) are accepted too. */
const ALIASES: Record<string, string> = { N: 'replicas', R: 'read-quorum', W: 'write-quorum' };

export const USAGE = `usage: godist node --id node-1 --addr 127.0.0.1:8081 [--seed HOST:PORT] [-N 3 -R 2 -W 2]
  --id ID                   this member's id (letters, digits, . _ -); the highest id leads
  --addr HOST:PORT          where this node listens and what it advertises
  --seed HOST:PORT          a member to join through
  -N, --replicas N          replicas per key (default ${DEFAULTS.N})
  -R, --read-quorum R       replies a read waits for (default ${DEFAULTS.R})
  -W, --write-quorum W      acknowledgements a write waits for (default ${DEFAULTS.W})
  --quorum sloppy|strict    sloppy: replica sets skip dead members (default); strict: fixed replica sets
  --read-repair async|sync|off   async: repair after answering (default); sync: write back before answering
  --data-dir DIR            log every replica write to DIR (fsync before acknowledging); replay at start
  --peer ID=HOST:PORT       dial HOST:PORT to reach member ID (repeatable)
  --chaos                   randomly delay and drop outbound node-to-node requests
  --chaos-drop P            drop probability with --chaos (default ${DEFAULTS.chaosDrop})
  --chaos-delay-ms MIN-MAX  delay range with --chaos (default ${DEFAULTS.chaosDelayMs.join('-')})
  --heartbeat-ms MS         heartbeat interval (default ${DEFAULTS.heartbeatMs})
  --suspect-after-ms MS     silence before a member is suspect (default ${DEFAULTS.suspectAfterMs})
  --dead-after-ms MS        silence before a member is dead (default ${DEFAULTS.deadAfterMs})
  --request-timeout-ms MS   node-to-node request timeout (default ${DEFAULTS.requestTimeoutMs})
  --vnodes K                virtual nodes per member on the ring (default ${DEFAULTS.vnodes})
  --max-key-bytes B         the largest key, in UTF-8 bytes (default ${DEFAULT_LIMITS.maxKeyBytes}, at most ${MOST_KEY_BYTES})
  --max-value-bytes B       the largest value, in UTF-8 bytes (default and at most ${MOST_VALUE_BYTES})
  --start-empty-if-log-unreadable   with --data-dir: if no record of the log can be read, move it aside
                            and start empty (without this the node refuses to start)
  --compact-after-bytes B   compact the durable log past this size (default ${DEFAULTS.compactAfterBytes})
  --cluster-secret S        answer /internal/ requests, POST /cluster/dial and POST /cluster/leave only
                            when they carry S (default: the environment variable ${SECRET_ENV};
                            neither: those routes are open, as in the seed)
  --exit-with-parent        stop when the process that started this node exits
  --unsafe-skip-replay      a deliberate bug for testing the harness: ignore the durable log at start`;

export type FlagsResult =
  | { kind: 'config'; config: NodeConfig; problems: [] }
  | { kind: 'help'; problems: [] }
  | { kind: 'invalid'; problems: string[] };

function normalize(argv: readonly string[]): string[] {
  return argv.map((a) => {
    const m = /^-{1,2}([A-Za-z][\w-]*)(=.*)?$/.exec(a);
    if (!m) return a;
    const name = m[1]!;
    const rest = m[2] ?? '';
    if (ALIASES[name]) return `--${ALIASES[name]}${rest}`;
    if (!a.startsWith('--') && name.length > 1 && name in OPTIONS) return `--${name}${rest}`;
    return a;
  });
}

export function parseAddr(s: string): { host: string; port: number } | undefined {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!, port };
}

/** `env` is the process environment (only GODIST_CLUSTER_SECRET is read from it). */
export function parseFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): FlagsResult {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({ args: normalize(argv), options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return { kind: 'invalid', problems: [describeParseError(e)] };
  }
  if (values.help) return { kind: 'help', problems: [] };

  const problems: string[] = [];
  const str = (name: string): string | undefined => values[name] as string | undefined;

  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER, what = 'a whole number'): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      problems.push(`--${name} ${JSON.stringify(raw)} is not valid (expected ${what} ${range})`);
      return fallback;
    }
    return Number(raw);
  };

  const id = str('id');
  if (id === undefined) problems.push('--id is required (e.g. --id node-1)');
  else if (!ID_PATTERN.test(id)) problems.push(`--id ${JSON.stringify(id)} is not a usable id (use letters, digits, ".", "_" or "-", up to 64 characters, e.g. node-1)`);

  const addr = str('addr');
  let hostPort: { host: string; port: number } | undefined;
  if (addr === undefined) problems.push('--addr is required (e.g. --addr 127.0.0.1:8081)');
  else {
    hostPort = parseAddr(addr);
    if (!hostPort) problems.push(`--addr ${JSON.stringify(addr)} is not HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:8081)`);
  }

  const seed = str('seed') ?? null;
  if (seed !== null && !parseAddr(seed)) problems.push(`--seed ${JSON.stringify(seed)} is not HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:8081)`);

  const N = int('replicas', DEFAULTS.N, 1, 1000, 'a replica count');
  const R = int('read-quorum', DEFAULTS.R, 1, 1000, 'a read quorum');
  const W = int('write-quorum', DEFAULTS.W, 1, 1000, 'a write quorum');
  if (N > MAX_MEMBERS) problems.push(`N=${N} exceeds the ${MAX_MEMBERS} members a node keeps track of (use N <= ${MAX_MEMBERS})`);
  problems.push(...quorumProblems({ N, R, W }));

  const heartbeatMs = int('heartbeat-ms', DEFAULTS.heartbeatMs, 1, 3_600_000, 'milliseconds');
  const suspectAfterMs = int('suspect-after-ms', DEFAULTS.suspectAfterMs, 1, 3_600_000, 'milliseconds');
  const deadAfterMs = int('dead-after-ms', DEFAULTS.deadAfterMs, 1, 3_600_000, 'milliseconds');
  const requestTimeoutMs = int('request-timeout-ms', DEFAULTS.requestTimeoutMs, 1, 3_600_000, 'milliseconds');
  const vnodes = int('vnodes', DEFAULTS.vnodes, 1, 4096, 'a count of virtual nodes');
  const maxKeyBytes = int('max-key-bytes', DEFAULT_LIMITS.maxKeyBytes, 1, MOST_KEY_BYTES, 'bytes');
  const maxValueBytes = int('max-value-bytes', DEFAULT_LIMITS.maxValueBytes, 1, MOST_VALUE_BYTES, 'bytes');
  const compactAfterBytes = int('compact-after-bytes', DEFAULTS.compactAfterBytes, 1024, Number.MAX_SAFE_INTEGER, 'bytes');
  if (suspectAfterMs <= heartbeatMs) {
    problems.push(`--suspect-after-ms ${suspectAfterMs} must exceed --heartbeat-ms ${heartbeatMs} (otherwise members are suspected between two heartbeats; e.g. --suspect-after-ms ${heartbeatMs * 5})`);
  }
  if (deadAfterMs <= suspectAfterMs) {
    problems.push(`--dead-after-ms ${deadAfterMs} must exceed --suspect-after-ms ${suspectAfterMs} (a member is suspect before it is dead; e.g. --dead-after-ms ${suspectAfterMs * 3})`);
  }

  let chaos = values.chaos === true;
  let chaosDrop = DEFAULTS.chaosDrop;
  const rawDrop = str('chaos-drop');
  if (rawDrop !== undefined) {
    chaos = true;
    const p = Number(rawDrop);
    if (rawDrop.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) problems.push(`--chaos-drop ${JSON.stringify(rawDrop)} is not a probability (expected a number from 0 to 1, e.g. 0.1)`);
    else chaosDrop = p;
  }
  let chaosDelayMs: readonly [number, number] = DEFAULTS.chaosDelayMs;
  const rawDelay = str('chaos-delay-ms');
  if (rawDelay !== undefined) {
    chaos = true;
    const m = /^(\d+)(?:-(\d+))?$/.exec(rawDelay);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo > hi) problems.push(`--chaos-delay-ms ${JSON.stringify(rawDelay)} is not a delay range (expected MIN-MAX milliseconds with MIN <= MAX, e.g. 5-50, or one number)`);
    else chaosDelayMs = [lo, hi];
  }

  const readRepair = oneOf('read-repair', str('read-repair'), ['async', 'sync', 'off'] as const, DEFAULTS.readRepair, problems);
  const quorum = oneOf('quorum', str('quorum'), ['sloppy', 'strict'] as const, DEFAULTS.quorum, problems);

  const dataDir = str('data-dir') ?? null;
  if (dataDir !== null && dataDir.trim() === '') problems.push('--data-dir is empty (give a directory, e.g. --data-dir data/node-1)');

  const peers = new Map<string, string>();
  for (const p of (values.peer as string[] | undefined) ?? []) {
    const eq = p.indexOf('=');
    const pid = eq > 0 ? p.slice(0, eq) : '';
    const paddr = eq > 0 ? p.slice(eq + 1) : '';
    if (!ID_PATTERN.test(pid) || !parseAddr(paddr)) {
      problems.push(`--peer ${JSON.stringify(p)} is not ID=HOST:PORT (e.g. --peer node-2=127.0.0.1:19012)`);
    } else if (pid === id) {
      problems.push(`--peer ${JSON.stringify(p)} names this node itself (--id ${id}); give --peer only for other members`);
    } else if (peers.has(pid) && peers.get(pid) !== paddr) {
      problems.push(`--peer ${pid} is given twice, as ${peers.get(pid)} and ${paddr} (give one address per member)`);
    } else peers.set(pid, paddr);
  }

  const flagSecret = str('cluster-secret');
  const clusterSecret = flagSecret ?? env[SECRET_ENV] ?? null;
  if (clusterSecret !== null) {
    const problem = secretProblem(clusterSecret, flagSecret !== undefined ? '--cluster-secret' : `the environment variable ${SECRET_ENV}`);
    if (problem) problems.push(problem);
  }
  if (peers.size + 1 > MAX_MEMBERS) problems.push(`${peers.size} --peer flags name more members than a node keeps (${MAX_MEMBERS}, itself included)`);

  if (problems.length > 0 || id === undefined || addr === undefined || !hostPort) return { kind: 'invalid', problems };
  return {
    kind: 'config',
    problems: [],
    config: {
      id,
      addr,
      host: hostPort.host,
      port: hostPort.port,
      seed,
      N,
      R,
      W,
      chaos,
      chaosDrop,
      chaosDelayMs,
      heartbeatMs,
      suspectAfterMs,
      deadAfterMs,
      requestTimeoutMs,
      vnodes,
      peers,
      readRepair,
      quorum,
      dataDir,
      compactAfterBytes,
      exitWithParent: values['exit-with-parent'] === true,
      unsafeSkipReplay: values['unsafe-skip-replay'] === true,
      clusterSecret,
      maxKeyBytes,
      maxValueBytes,
      startEmptyIfLogUnreadable: values['start-empty-if-log-unreadable'] === true,
    },
  };
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T, problems: string[]): T {
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`--${name} ${JSON.stringify(raw)} is not one of ${allowed.join(', ')}`);
  return fallback;
}

function describeParseError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const msg = String(err.message ?? e);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const m = /'([^']+)'/.exec(msg);
    return `unknown flag ${m ? m[1] : ''} (see --help for the flags a node takes)`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /'(--?[\w-]+)/.exec(msg);
    return `${m ? m[1] : 'a flag'} needs a value (see --help)`;
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const m = /'([^']*)'/.exec(msg);
    return `unexpected argument ${m ? JSON.stringify(m[1]) : ''} (every setting is a flag, e.g. --id node-1)`;
  }
  return msg;
}
