import { describe, expect, it } from 'vitest';
import { formatBytes, parseByteSize } from '../../harness/checker/byte-size.js';

describe('sizes in bytes', () => {
  it('reads K, M, G and T as powers of 1024, with or without B or iB, any case', () => {
    expect(parseByteSize('4096')).toBe(4096);
    expect(parseByteSize('512M')).toBe(512 * 1024 ** 2);
    expect(parseByteSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('2g')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('64 MB')).toBe(64 * 1024 ** 2);
    expect(parseByteSize('1T')).toBe(1024 ** 4);
    expect(parseByteSize('10k')).toBe(10240);
  });

  it('refuses what is not a positive size', () => {
    for (const bad of ['', 'lots', '0', '0.1', '-1G', '2X', '1e9', 'G', '1.G']) expect(parseByteSize(bad)).toBeUndefined();
  });

  it('writes a size for a person', () => {
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GiB');
    expect(formatBytes(1024 ** 2)).toBe('1 MiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(Infinity)).toBe('no bound');
  });
});
