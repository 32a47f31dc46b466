/**
 * The layout the README promises, held against the code: no import cycle in harness/, the report
 * imports nothing from the CLI, and what only GoDist knows (its endpoints, flags, trace fields) is
 * written only in its own folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../harness/shared/paths.js';

const harness = path.join(packageRoot, 'harness');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') ? [file] : [];
  });
}

const files = sources(harness);
const rel = (file: string) => path.relative(packageRoot, file).split(path.sep).join('/');

/** Every relative import of a file, as the file it names (static, dynamic and type-only alike). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')),
  );
}

/** The source without comments and strings of prose: what the code itself says. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

describe('the harness layout', () => {
  it('has no import cycle', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(harness))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].map(rel).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('the report imports nothing from the CLI', () => {
    const offending = files
      .filter((f) => rel(f).startsWith('harness/report/'))
      .flatMap((f) => importsOf(f).filter((t) => rel(t).startsWith('harness/cli/')).map((t) => `${rel(f)} → ${rel(t)}`));
    expect(offending).toEqual([]);
  });

  it("GoDist's endpoints, flags and trace fields are written only in its own folder (another system's folder speaks its own API)", () => {
    const godistOnly = [
      '/kv/put',
      '/kv/get',
      '/cluster/status',
      '/cluster/ring',
      '/cluster/dial',
      '/cluster/leave',
      '/internal/',
      'GODIST_CLUSTER_SECRET',
      'x-godist-cluster-secret',
      '/health',
      "'--quorum'",
      "'--read-repair'",
      "'--data-dir'",
      "'--peer'",
      '--exit-with-parent',
      'replicaSet',
      '.coordinator',
      "['coordinator']",
      'version-read',
      'readRepair',
      'nodeArgs',
    ];
    const found = files
      .filter((f) => !/^harness\/systems\/[^/]+\//.test(rel(f)) || rel(f).startsWith('harness/systems/command/'))
      .flatMap((f) => {
        const text = code(f);
        return godistOnly.filter((word) => text.includes(word)).map((word) => `${rel(f)}: ${word}`);
      });
    expect(found).toEqual([]);
  });
});
