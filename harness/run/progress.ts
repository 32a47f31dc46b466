import type { Tally } from './runner.js';

export type Phase = 'starting' | 'running' | 'healing' | 'final reads' | 'checking';

export interface ProgressSnapshot {
  phase: Phase;
  /** Seconds since the run began: the history's clock, the one the report's times use. */
  elapsedS: number;
  /** Seconds of workload so far, while it runs. */
  workloadS?: number;
  timeLimitS: number;
  tally: Tally;
  fault: string | undefined;
}

export function formatProgress(p: ProgressSnapshot): string {
  const { ok, fail, info } = p.tally;
  const workload = p.workloadS !== undefined ? `  workload ${Math.min(p.workloadS, p.timeLimitS).toFixed(0)}/${p.timeLimitS} s` : '';
  return (
    `${p.elapsedS.toFixed(1).padStart(6)} s  ${p.phase.padEnd(11)}${workload}  ops ${ok + fail + info}  ` +
    `ok ${ok}  fail ${fail}  info ${info}  fault: ${p.fault ?? 'none'}`
  );
}

export interface Progress {
  /** Names the phase the run has reached; shown at once, on a terminal and in a log alike. */
  phase(phase: Phase): void;
  /** Ends the display. */
  stop(): void;
}

/**
 * One clock from the run's start to its end, with the phase beside it: one line updated in place on
 * a terminal; in a log (CI), a line at every change of phase and every few seconds between.
 */
export function showProgress(stream: NodeJS.WriteStream, snapshot: () => Omit<ProgressSnapshot, 'phase'>, first: Phase = 'starting'): Progress {
  const tty = stream.isTTY === true;
  let current = first;
  const show = () => {
    const line = formatProgress({ ...snapshot(), phase: current });
    stream.write(tty ? `\r\x1b[2K${line.slice(0, (stream.columns || 120) - 1)}` : `${line}\n`);
  };
  const timer = setInterval(show, tty ? 250 : 5000);
  timer.unref();
  return {
    phase(phase) {
      current = phase;
      show();
    },
    stop() {
      clearInterval(timer);
      if (tty) stream.write('\r\x1b[2K');
    },
  };
}
