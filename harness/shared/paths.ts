import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found from this module whether it runs from dist/ or from source (tests). */
export const packageRoot: string = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) throw new Error(`no package.json above ${dir}`);
  }
}

/** Compiled entry points: processes are always started from dist/, so they start fast. */
export const nodeMain = path.join(packageRoot, 'dist', 'node', 'main.js');
export const cliMain = path.join(packageRoot, 'dist', 'harness', 'cli', 'main.js');
