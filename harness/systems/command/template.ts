/**
 * `--node-command` templates: a shell command line with {placeholders} filled in per node. A part in
 * square brackets is optional: it is left out when a placeholder in it has no value (the first node
 * has no {seed}), and a part that names {peer-id} or {peer-addr} is repeated once per peer. Pure.
 *
 *   go run ./cmd/godist -id {id} -addr {addr} [-seed {seed}] -N {N} -R {R} -W {W}
 *   node dist/node/main.js --id {id} --addr {addr} [--seed {seed}] [--peer {peer-id}={peer-addr}]
 */

import type { NodeLaunch } from '../godist/cluster.js';

export const PLACEHOLDERS = ['id', 'host', 'port', 'addr', 'seed', 'peer-id', 'peer-addr', 'peers', 'data-dir', 'N', 'R', 'W'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Where the node listens, whom it joins through and how it reaches its peers (GoDist's launch of a node), and N/R/W. */
export type TemplateValues = NodeLaunch & { N: number; R: number; W: number };

const TOKEN = /\{([A-Za-z-]+)\}/g;

/** What is wrong with a template, in one line each; empty when it can run. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const m of template.matchAll(TOKEN)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
      problems.push(`--node-command: unknown placeholder {${m[1]}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`);
    }
  }
  let depth = 0;
  for (const c of template) {
    depth += c === '[' ? 1 : c === ']' ? -1 : 0;
    if (depth < 0 || depth > 1) break;
  }
  if (depth !== 0) problems.push('--node-command: optional parts in [square brackets] must be closed and not nested');
  if (!/\{(port|addr)\}/.test(template)) problems.push('--node-command must say where the node listens: use {addr} (host:port) or {host} and {port}');
  return problems;
}

/** The template filled in for one node: a command line for `sh -c`. */
export function expandTemplate(template: string, v: TemplateValues): string {
  const peerEntries = Object.entries(v.peers);
  const single: Record<string, string | undefined> = {
    id: v.id,
    host: v.host,
    port: String(v.port),
    addr: `${v.host}:${v.port}`,
    seed: v.seed,
    peers: peerEntries.length > 0 ? peerEntries.map(([id, addr]) => `${id}=${addr}`).join(',') : undefined,
    'data-dir': v.dataDir,
    N: String(v.N),
    R: String(v.R),
    W: String(v.W),
  };
  const fill = (part: string, peer?: [string, string]): { text: string; missing: boolean } => {
    let missing = false;
    const text = part.replace(TOKEN, (_, name: string) => {
      const value = name === 'peer-id' ? peer?.[0] : name === 'peer-addr' ? peer?.[1] : single[name];
      if (value === undefined) missing = true;
      return value === undefined ? "''" : quote(value);
    });
    return { text, missing };
  };
  const optional = (part: string, peer?: [string, string]) => {
    const f = fill(part, peer);
    return f.missing ? '' : f.text;
  };
  return template
    .split(/(\[[^\]]*\])/)
    .map((part) => {
      if (!part.startsWith('[')) return fill(part).text;
      const inner = part.slice(1, -1);
      if (/\{peer-(id|addr)\}/.test(inner)) return peerEntries.map((peer) => optional(inner, peer)).join(' ');
      return optional(inner);
    })
    .join('')
    .trim();
}

function quote(value: string): string {
  return /^[\w./:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
