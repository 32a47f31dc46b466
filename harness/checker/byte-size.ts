/**
 * Sizes in bytes as people write them (`512M`, `2G`, `1.5GiB`, `4096`) and as they read them
 * (`2 GiB`). K, M, G and T are powers of 1024, as for memory.
 */

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes, or undefined when `text` is not a positive size such as 512M, 2G, 1.5GiB or 4096. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Bytes for a person: `2 GiB`, `512 MiB`, `1.5 GiB`, `900 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes === Infinity) return 'no bound';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toFixed(u === 0 ? 0 : 2))} ${units[u]}`;
}

/** Bytes as a flag reads them back exactly: `2G`, `512M`, `1500`. */
export function byteSizeFlag(bytes: number): string {
  for (const [letter, unit] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${letter}`;
  }
  return String(bytes);
}
