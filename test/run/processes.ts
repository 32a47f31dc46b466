import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Command lines of live processes that listen on one of a run's node addresses. */
export function survivorsOf(runDir: string): string[] {
  const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { nodes?: Record<string, string> };
  const addrs = Object.values(run.nodes ?? {});
  const ps = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => addrs.some((addr) => line.includes(`--addr ${addr}`)));
}
