import type { Tally } from './runner.js';

export interface ProgressSnapshot {
  elapsedS: number;
  timeLimitS: number;
  tally: Tally;
  fault: string | undefined;
  phase: string;
}

export function formatProgress(p: ProgressSnapshot): string {
  const { ok, fail, info } = p.tally;
  return (
    `${p.phase} ${p.elapsedS.toFixed(0).padStart(3)}/${p.timeLimitS} s  ops ${ok + fail + info}  ` +
    `ok ${ok}  fail ${fail}  info ${info}  fault: ${p.fault ?? 'none'}`
  );
}

/**
 * One line updated in place on a terminal; a plain line every few seconds otherwise (CI logs).
 * Returns a function that ends the display.
 */
export function showProgress(stream: NodeJS.WriteStream, snapshot: () => ProgressSnapshot): () => void {
  const tty = stream.isTTY === true;
  const timer = setInterval(
    () => {
      const line = formatProgress(snapshot());
      stream.write(tty ? `\r\x1b[2K${line.slice(0, (stream.columns || 120) - 1)}` : `${line}\n`);
    },
    tty ? 250 : 5000,
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    if (tty) stream.write('\r\x1b[2K');
  };
}
