/**
 * No orphans: every process the harness starts and every closer it registers is remembered here,
 * and undone synchronously however the harness ends (normal exit, Ctrl-C, SIGTERM, an uncaught
 * exception). Paused processes are continued before they are killed, since a stopped process
 * never acts on a signal but SIGKILL — and the group kill reaches anything a node spawned.
 */
const processGroups = new Set<number>();
const closers = new Set<() => void>();
let installed = false;

export function trackProcessGroup(pid: number): void {
  processGroups.add(pid);
  install();
}

export function untrackProcessGroup(pid: number): void {
  processGroups.delete(pid);
}

/** Runs `close` (synchronously) at exit unless the returned function is called first. */
export function onCleanup(close: () => void): () => void {
  closers.add(close);
  install();
  return () => closers.delete(close);
}

export function killProcessGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      // The group may be gone already, or the child was not a group leader: try the pid itself.
    }
  }
}

export function cleanupNow(): void {
  for (const close of [...closers]) {
    closers.delete(close);
    try {
      close();
    } catch (error) {
      process.stderr.write(`godist: cleanup step failed: ${String(error)}\n`);
    }
  }
  for (const pid of [...processGroups]) {
    killProcessGroup(pid, 'SIGCONT');
    killProcessGroup(pid, 'SIGKILL');
    processGroups.delete(pid);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  const exitOn = (signal: NodeJS.Signals, code: number) => {
    process.on(signal, () => {
      cleanupNow();
      process.exit(code);
    });
  };
  exitOn('SIGINT', 130);
  exitOn('SIGTERM', 143);
  exitOn('SIGHUP', 129);
}
