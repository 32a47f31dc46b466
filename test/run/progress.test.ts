import { describe, expect, it } from 'vitest';
import { formatProgress, showProgress } from '../../harness/run/progress.js';

function fakeStream(tty: boolean): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY: tty, columns: 200, write: (s: string) => written.push(s), written } as unknown as NodeJS.WriteStream & { written: string[] };
}

describe('the progress line', () => {
  it("one clock from the run's start (the report's), with the workload's own seconds beside it while it runs", () => {
    const line = formatProgress({ phase: 'running', elapsedS: 31.24, workloadS: 30.2, timeLimitS: 30, tally: { ok: 5, fail: 1, info: 0 }, fault: 'killed {node-2}' });
    expect(line).toBe('  31.2 s  running      workload 30/30 s  ops 6  ok 5  fail 1  info 0  fault: killed {node-2}');
    expect(formatProgress({ phase: 'final reads', elapsedS: 33, timeLimitS: 30, tally: { ok: 5, fail: 1, info: 0 }, fault: undefined })).toMatch(/^ {2}33\.0 s {2}final reads {2}ops 6/);
  });

  it('in a log, every phase gets a line of its own as it begins, on the same clock', () => {
    const stream = fakeStream(false);
    let t = 0;
    const p = showProgress(stream, () => ({ elapsedS: t, timeLimitS: 10, tally: { ok: 0, fail: 0, info: 0 }, fault: undefined }));
    for (const phase of ['starting', 'running', 'healing', 'final reads', 'checking'] as const) {
      p.phase(phase);
      t += 2;
    }
    p.stop();
    expect(stream.written.map((l) => l.trim().split(/\s{2,}/).slice(0, 2).join(' '))).toEqual(['0.0 s starting', '2.0 s running', '4.0 s healing', '6.0 s final reads', '8.0 s checking']);
  });

  it('on a terminal, one line rewritten in place and cleared at the end', () => {
    const stream = fakeStream(true);
    const p = showProgress(stream, () => ({ elapsedS: 1, timeLimitS: 10, tally: { ok: 0, fail: 0, info: 0 }, fault: undefined }));
    p.phase('running');
    p.stop();
    expect(stream.written[0]).toMatch(/^\r\x1b\[2K {3}1\.0 s {2}running/);
    expect(stream.written.at(-1)).toBe('\r\x1b[2K');
  });
});
