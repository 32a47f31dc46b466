/**
 * Node processes of a run: started detached (each leads its own process group, so Ctrl-C reaches
 * only the harness, which then ends every node itself, paused ones included), their output appended
 * to a log file, killed, paused and continued by signal, and remembered for cleanup however the
 * harness ends. Nothing here knows what the nodes are.
 */
import { execa, type ResultPromise } from 'execa';
import { killProcessGroup, trackProcessGroup, untrackProcessGroup } from './cleanup.js';

/** Where a node is in its life, as the harness drives it. */
export type NodeState = 'running' | 'paused' | 'killed' | 'stopped';

export interface ProcessCommand {
  file: string;
  args: string[];
  /** Added to the harness's environment. */
  env?: Record<string, string>;
  /** The folder it runs in (default: the harness's). */
  cwd?: string;
}

export interface NodeProcessesOptions {
  /** The nodes known from the start; another id may be started later (a node that joins). */
  ids: readonly string[];
  /** The command line of a node as it starts now (a restart may join differently). */
  command(id: string): ProcessCommand;
  logFile(id: string): string;
  /** True once the node answers; asked every 20 ms while it starts. */
  answers(id: string): Promise<boolean>;
  /** How long a node may take to answer after its start (default 10 s). */
  startTimeoutMs?: number;
}

export interface NodeProcesses {
  state(id: string): NodeState;
  /** Starts the node and resolves once it answers; rejects if it exits or stays silent. */
  start(id: string): Promise<void>;
  kill(id: string): Promise<void>;
  pause(id: string): void;
  resume(id: string): void;
  /**
   * Retires the node for good: `ask` tells it to go (a graceful leave), then the node has
   * `timeoutMs` to exit on its own before it is killed. Its state is `stopped` from the start, so
   * its exit is not read as a crash.
   */
  retire(id: string, ask: () => Promise<unknown>, timeoutMs?: number): Promise<void>;
  /** Ends every node (continued first, so that a paused one dies too). */
  stopAll(): Promise<void>;
}

interface Running {
  child: ResultPromise;
  pid: number;
  exited: Promise<void>;
}

export function nodeProcesses(o: NodeProcessesOptions): NodeProcesses {
  const states = new Map<string, NodeState>(o.ids.map((id) => [id, 'stopped']));
  const running = new Map<string, Running>();

  async function start(id: string): Promise<void> {
    if (running.has(id)) throw new Error(`${id} is already running`);
    const { file, args, env, cwd } = o.command(id);
    const log = { file: o.logFile(id), append: true };
    const child = execa(file, args, { detached: true, cleanup: false, reject: false, stdin: 'ignore', stdout: log, stderr: log, ...(env ? { env } : {}), ...(cwd ? { cwd } : {}) });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${id}: ${file} ${args.join(' ')}`);
    trackProcessGroup(pid);
    const exited = child.then(() => {
      untrackProcessGroup(pid);
      if (running.get(id)?.pid === pid) {
        running.delete(id);
        if (states.get(id) === 'running' || states.get(id) === 'paused') states.set(id, 'killed');
      }
    });
    running.set(id, { child, pid, exited });
    states.set(id, 'running');
    await waitUntilAnswers(id, exited, o.startTimeoutMs ?? 10_000);
  }

  async function waitUntilAnswers(id: string, exited: Promise<void>, timeoutMs: number): Promise<void> {
    let gone = false;
    void exited.then(() => (gone = true));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`${id} exited during start-up (see its log: ${o.logFile(id)})`);
      if (await o.answers(id)) return;
      await sleep(20);
    }
    throw new Error(`${id} did not answer within ${timeoutMs} ms (see its log: ${o.logFile(id)})`);
  }

  function signal(id: string, sig: NodeJS.Signals, next: NodeState): void {
    const r = running.get(id);
    if (!r) return;
    killProcessGroup(r.pid, sig);
    states.set(id, next);
  }

  return {
    state: (id) => states.get(id) ?? 'stopped',
    start,
    async kill(id) {
      const r = running.get(id);
      if (!r) return;
      states.set(id, 'killed');
      killProcessGroup(r.pid, 'SIGKILL');
      await r.exited;
    },
    pause: (id) => signal(id, 'SIGSTOP', 'paused'),
    resume: (id) => signal(id, 'SIGCONT', 'running'),
    async retire(id, ask, timeoutMs = 5000) {
      const r = running.get(id);
      states.set(id, 'stopped');
      if (!r) return;
      // A node that cannot be asked, or does not go, is killed: the leave is for good either way.
      await ask().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const gone = await Promise.race([r.exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
      clearTimeout(timer);
      if (!gone) {
        killProcessGroup(r.pid, 'SIGCONT');
        killProcessGroup(r.pid, 'SIGKILL');
        await r.exited;
      }
    },
    async stopAll() {
      await Promise.all(
        [...running.entries()].map(async ([id, r]) => {
          states.set(id, 'stopped');
          killProcessGroup(r.pid, 'SIGCONT');
          killProcessGroup(r.pid, 'SIGKILL');
          await r.exited;
        }),
      );
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
