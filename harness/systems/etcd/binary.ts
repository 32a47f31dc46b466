/** Where the etcd binary is: found on PATH, or a one-line UsageError saying how to get it. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../shared/usage-error.js';

export const INSTALL_HINT = 'install it with `apt-get install etcd-server` (Debian, Ubuntu) or put an etcd 3.4+ binary on PATH';

/** The path of `name` on `searchPath` (default: this process's PATH). */
export function findEtcd(name = 'etcd', searchPath = process.env['PATH'] ?? ''): string {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new UsageError(`${name} is not on PATH: ${INSTALL_HINT}`);
}
