/**
 * Reads the op lines of an old Jepsen log, as in Jepsen's etcd test (and Porcupine's test data):
 *
 *   INFO  jepsen.util - 3	:invoke	:cas	[1 4]
 *   INFO  jepsen.util - 3	:fail	:cas	[1 4]
 *
 * with that test's meanings, which differ from Jepsen's EDN histories: a `:fail :cas` ran and its
 * compare failed (it constrains the state: the value was not 1), a `:fail :read` (`:timed-out`)
 * returned nothing usable (it is left out), and `:info` is unknown (it may have happened at any
 * time after its call, or never). Other failures did not happen. Lines of other loggers are
 * skipped. Times and ids are line numbers. Pure over text.
 */
import type { Operation } from '../checker/operation.js';
import { UsageError } from '../shared/usage-error.js';
import { parseEdn } from './edn.js';
import { ednToPlain } from './edn-values.js';

export interface ReadJepsenLog {
  ops: Operation[];
  /** Op lines read (invocations and completions). */
  lineCount: number;
}

const OP_LINE = /jepsen\.util\s+-\s+(\S+)\s+:(\S+)\s+:(\S+)(?:\s+(.*?))?\s*$/;

export function readJepsenLog(text: string): ReadJepsenLog {
  const open = new Map<number, { op: Operation; line: number; slot: number }>();
  const slots: (Operation | undefined)[] = [];
  let lineCount = 0;
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!row.includes('jepsen.util')) continue;
    const line = i + 1;
    const bad = (what: string): never => {
      throw new UsageError(`line ${line}: ${what}`);
    };
    const m = OP_LINE.exec(row);
    if (!m) bad(`expected "jepsen.util - <process> :<type> :<f> <value>", found ${JSON.stringify(row.trim().slice(0, 60))}`);
    const [, proc, type, f, rawValue] = m!;
    lineCount++;
    if (proc!.startsWith(':')) continue; // :nemesis
    if (!/^\d+$/.test(proc!)) bad(`the process must be a number or :nemesis, not ${JSON.stringify(proc)}`);
    const process = Number(proc);
    let value: unknown = null;
    if (rawValue !== undefined && rawValue !== '') {
      try {
        value = ednToPlain(parseEdn(rawValue));
      } catch (err) {
        bad(`bad value ${JSON.stringify(rawValue)}: ${(err as Error).message.replace(/^line \d+: /, '')}`);
      }
    }
    if (type === 'invoke') {
      const prior = open.get(process);
      if (prior) bad(`process ${process} invokes ${f} while its ${prior.op.f} from line ${prior.line} has not completed`);
      const op: Operation = { id: line, process, f: f!, value, call: line, return: Infinity };
      open.set(process, { op, line, slot: slots.length });
      slots.push(op);
      continue;
    }
    if (type !== 'ok' && type !== 'fail' && type !== 'info') bad(`the type must be :invoke, :ok, :fail or :info, not :${type}`);
    const pending = open.get(process);
    if (!pending) bad(`process ${process} completes (:${type}) a ${f} it never invoked`);
    const { op } = pending!;
    if (op.f !== f) bad(`process ${process} completes a ${f}, but its open op is a ${op.f} (line ${pending!.line})`);
    open.delete(process);
    if (type === 'info') continue; // unknown: return stays Infinity
    if (type === 'fail' && f !== 'cas') {
      slots[pending!.slot] = undefined; // a failed write did not happen; a failed read told nothing
      continue;
    }
    op.return = line;
    if (f === 'cas') op.output = type === 'ok';
    else if (f !== 'write') op.output = value;
  }
  if (lineCount === 0 && text.trim() !== '') {
    throw new UsageError('line 1: no "jepsen.util - <process> :<type> :<f> <value>" op lines in this file; is it a Jepsen log?');
  }
  return { ops: slots.filter((op): op is Operation => op !== undefined), lineCount };
}
