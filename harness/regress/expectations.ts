import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../shared/paths.js';
import { resolveSettings } from '../run/run-settings.js';
import type { RunSettings } from '../run/settings.js';
import { UsageError } from '../shared/usage-error.js';
import { FINDINGS, type Finding } from './findings.js';

export interface MustFind {
  finding: Finding;
  /** In how many of the case's seeds the finding must show. */
  atLeast: number;
}

export interface RegressCase {
  name: string;
  why: string;
  settings: RunSettings;
  seeds: number[];
  mustFind: MustFind[];
  mustNotFind: Finding[];
  /** Run and reported, never a regression. */
  recordOnly: boolean;
}

export const DEFAULT_EXPECTATIONS = path.join(packageRoot, 'workloads', 'regressions.json');

/** Reads and validates an expectations file; every mistake in it is one line naming the case. */
export function loadExpectations(file: string): RegressCase[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read expectations ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseExpectations(raw, file);
}

export function parseExpectations(raw: unknown, file = 'expectations'): RegressCase[] {
  const fail = (what: string): never => {
    throw new UsageError(`${file}: ${what}`);
  };
  if (!isObject(raw) || !Array.isArray(raw['cases'])) return fail('needs a "cases" list');
  const defaults = isObject(raw['defaults']) ? raw['defaults'] : {};
  const names = new Set<string>();
  return raw['cases'].map((c: unknown, i: number): RegressCase => {
    if (!isObject(c) || typeof c['name'] !== 'string') return fail(`case ${i + 1} needs a "name"`);
    const name = c['name'];
    const where = `case "${name}"`;
    if (names.has(name)) fail(`${where} is named twice`);
    names.add(name);
    let settings: RunSettings;
    try {
      settings = resolveSettings({ ...defaults, ...(isObject(c['settings']) ? c['settings'] : {}) });
    } catch (error) {
      if (error instanceof UsageError) return fail(`${where}: ${error.message}`);
      throw error;
    }
    const seeds = c['seeds'];
    if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) {
      fail(`${where} needs "seeds", a non-empty list of whole numbers`);
    }
    const finding = (f: unknown): Finding => (FINDINGS.includes(f as Finding) ? (f as Finding) : fail(`${where}: unknown finding ${JSON.stringify(f)} (known: ${FINDINGS.join(', ')})`));
    const mustFind = (Array.isArray(c['mustFind']) ? c['mustFind'] : []).map((m: unknown): MustFind => {
      if (!isObject(m)) return fail(`${where}: each mustFind entry is {"finding", "atLeast"}`);
      const atLeast = m['atLeast'];
      if (!Number.isInteger(atLeast) || (atLeast as number) < 1 || (atLeast as number) > (seeds as number[]).length) {
        fail(`${where}: atLeast must be between 1 and the number of seeds (${(seeds as number[]).length})`);
      }
      return { finding: finding(m['finding']), atLeast: atLeast as number };
    });
    const mustNotFind = (Array.isArray(c['mustNotFind']) ? c['mustNotFind'] : []).map(finding);
    const recordOnly = c['recordOnly'] === true;
    if (!recordOnly && mustFind.length === 0 && mustNotFind.length === 0) fail(`${where} says nothing must or must not be found (mark it "recordOnly")`);
    return { name, why: typeof c['why'] === 'string' ? c['why'] : '', settings, seeds: seeds as number[], mustFind, mustNotFind, recordOnly };
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
