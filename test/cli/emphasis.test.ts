import { describe, expect, it } from 'vitest';
import { emphasize, wantsColour } from '../../harness/cli/emphasis.js';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe('emphasis on a terminal', () => {
  it('colours only on a terminal, and never with NO_COLOR or a dumb terminal', () => {
    expect(wantsColour(tty, {})).toBe(true);
    expect(wantsColour(pipe, {})).toBe(false);
    expect(wantsColour(tty, { NO_COLOR: '' })).toBe(false);
    expect(wantsColour(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('a broken promise stands out in red, undecided in yellow, a kept verdict in green; plain text is untouched', () => {
    const text = 'stale-reads  by the settings  3  BROKEN\nlinearizable  no  undecided  undecided (nothing promised depends on it)\n\nverdict: a promise was broken\n';
    expect(emphasize(text, false)).toBe(text);
    const coloured = emphasize(text, true);
    expect(coloured).toContain('\x1b[1;31mBROKEN\x1b[0m');
    expect(coloured).toContain('\x1b[33mundecided (nothing promised depends on it)\x1b[0m');
    expect(coloured).toContain('verdict: \x1b[1;31ma promise was broken\x1b[0m');
    expect(emphasize('verdict: every promise held\n', true)).toBe('\x1b[32mverdict: every promise held\x1b[0m\n');
    // Without the codes it is the same text: nothing else changed.
    expect(coloured.replace(/\x1b\[[\d;]*m/g, '')).toBe(text);
  });
});
