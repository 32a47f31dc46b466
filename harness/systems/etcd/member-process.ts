/**
 * One etcd member as a child process, registered for cleanup from the moment it exists.
 *
 * The member runs under a tiny `sh` guard that leads its own process group (so Ctrl-C reaches only
 * the harness, which then ends every member itself, paused ones included, via harness/cleanup.ts).
 * The guard holds a pipe from the harness on its stdin and SIGKILLs the member when that pipe
 * closes: a harness killed outright (SIGKILL, an OOM kill) cannot run its exit handlers, and etcd
 * has no flag to die with its parent. Signals go to the whole group: SIGSTOP pauses guard and
 * member alike, SIGKILL ends both.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { killProcessGroup, trackProcessGroup, untrackProcessGroup } from '../../process/cleanup.js';

export interface MemberProcess {
  pid: number;
  /** Resolves when the member (and its guard) exited, however it ended. */
  exited: Promise<void>;
  signal(signal: NodeJS.Signals): void;
}

// `read` in a background job reads /dev/null unless told otherwise, hence fd 3.
const GUARD = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'member=$!',
  '{ read -r _ <&3; kill -9 "$member"; } 2>/dev/null &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$member"; code=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$code"',
].join('\n');

/**
 * Starts `file args` under the guard, appending its stdout and stderr to `logFile`. The member writes
 * to the file itself (not through a pipe to the harness): its log costs the harness nothing, and a
 * harness that dies does not take the member's stderr with it.
 */
export function spawnMember(file: string, args: readonly string[], logFile: string): MemberProcess {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  let child;
  try {
    child = spawn('sh', ['-c', GUARD, 'etcd-guard', file, ...args], { detached: true, stdio: ['pipe', log, log] });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${file} ${args.join(' ')}`);
  trackProcessGroup(pid);
  // The pipe stays open, unwritten, for as long as the harness lives; it must not keep the harness alive.
  child.stdin?.on('error', () => {});
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve())).then(() => untrackProcessGroup(pid));
  return { pid, exited, signal: (signal) => killProcessGroup(pid, signal) };
}
