/**
 * A history file's bytes, or a UsageError naming the file and what is wrong with it (a folder where
 * the file should be, something that is not a file, no permission, too large to read). Bytes, not a
 * string: a long run's history.jsonl outgrows the longest string V8 holds (about 512 MiB), and
 * readJsonl decodes it a line at a time.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../shared/usage-error.js';

export function readHistoryBytes(file: string): Buffer {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${file}: is a folder, not a history file (give a results folder or a history file)`);
    // A device or a pipe could be read forever.
    if (!st.isFile()) throw new UsageError(`${file}: is not a regular file (give a history file)`);
    return readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_FS_FILE_TOO_LARGE' || e.code === 'ERR_STRING_TOO_LONG') throw new UsageError(`${file}: too large to read at once (${e.message})`);
    if (e.code) throw new UsageError(`${file}: cannot be read (${e.code}: ${e.message})`);
    throw err;
  }
}
