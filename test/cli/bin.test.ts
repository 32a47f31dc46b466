import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../harness/shared/paths.js';

// `npx godist` on a clean clone at a path npx has cached runs the built file itself, so the build
// must leave it executable (tsc writes mode 644): CI once ended with "sh: 1: godist: Permission denied".
describe('the built godist command', () => {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };

  it.each(Object.entries(pkg.bin))('%s (%s) is executable and runs as a program', (_name, file) => {
    const bin = path.join(packageRoot, file);
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const r = spawnSync(bin, ['--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('godist run');
  });
});
