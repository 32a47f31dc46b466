import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../shared/paths.js';

/** Where runs land unless --results-dir says otherwise. */
export function defaultResultsRoot(): string {
  return path.join(process.cwd(), 'results');
}

/**
 * `results/2026-11-27T15-02-03-register-n3r2w2-kill+partition` (or `…-compare-…`, `…-regress`), made
 * unique if two share a second.
 */
export function createRunFolder(root: string, label: string, at = new Date()): string {
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-');
  let dir = path.join(root, `${stamp}-${label}`);
  for (let n = 2; existsSync(dir); n++) dir = path.join(root, `${stamp}-${label}-${n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** results/latest → the newest run (a relative link, so the folder can be moved whole). */
export function pointLatestAt(root: string, dir: string): void {
  const link = path.join(root, 'latest');
  try {
    rmSync(link, { force: true });
    symlinkSync(path.relative(root, dir), link);
  } catch {
    // A file system without symlinks still has every run folder; latest is a convenience.
  }
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
