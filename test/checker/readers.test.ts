/** The history readers: what they read, and the errors they give (naming the line). */
import { describe, expect, it } from 'vitest';
import { EdnSymbol, Keyword, parseEdn, Tagged } from '../../harness/history/edn.js';
import { readEdn } from '../../harness/history/read-edn.js';
import { readJepsenLog } from '../../harness/history/read-jepsen-log.js';
import { readJsonl } from '../../harness/history/read-jsonl.js';
import { UsageError } from '../../harness/shared/usage-error.js';

describe('history.jsonl', () => {
  const good = [
    '{"index":0,"type":"invoke","process":0,"f":"write","key":"k3","value":17,"time":1200345}',
    '',
    '{"index":1,"type":"ok","process":0,"f":"write","key":"k3","value":17,"time":3400000}',
    '{"index":2,"type":"info","process":"nemesis","f":"partition","value":{"cut":[["n1","n2"]]},"time":4000000}',
  ].join('\n');

  it('reads records and their lines, blank lines skipped', () => {
    const { history, lines } = readJsonl(good);
    expect(history.map((o) => o.index)).toEqual([0, 1, 2]);
    expect(lines).toEqual([1, 3, 4]);
    expect(history[2]!.process).toBe('nemesis');
  });

  it.each([
    ['{"index":0,"type":"invoke"', /^line 1: not JSON/],
    ['[1,2]', /^line 1: expected a JSON object/],
    ['{"index":"a","type":"invoke","process":0,"f":"read","time":1}', /^line 1: "index" must be an integer/],
    ['{"index":0,"type":"done","process":0,"f":"read","time":1}', /^line 1: "type" must be invoke, ok, fail or info, not "done"/],
    ['{"index":0,"type":"ok","process":-1,"f":"read","time":1}', /^line 1: "process" must be a non-negative integer or "nemesis"/],
    ['{"index":0,"type":"ok","process":0,"f":"","time":1}', /^line 1: "f" must be a non-empty string/],
    ['{"index":0,"type":"ok","process":0,"f":"read","key":3,"time":1}', /^line 1: "key" must be a string/],
    ['{"index":0,"type":"ok","process":0,"f":"read"}', /^line 1: "time" must be a number/],
  ])('refuses %s', (line, message) => {
    expect(() => readJsonl(`\n\n${line}`)).toThrow(UsageError);
    expect(() => readJsonl(line)).toThrow(message);
  });

  it('names the line of the bad record', () => {
    expect(() => readJsonl(`${good}\n{oops}`)).toThrow(/^line 5: not JSON/);
  });

  it('reads a file\'s bytes line by line exactly as its text (a long history outgrows the longest string)', () => {
    const unicode = '{"index":3,"type":"invoke","process":1,"f":"write","key":"ключ","value":"v☃😀","time":5000000}';
    const outcome = (read: () => unknown) => {
      try {
        return read();
      } catch (err) {
        return (err as Error).message;
      }
    };
    const texts = [good, `${good}\n`, `${good}\r\n\r\n`, `${good}\n${unicode}`, `${good}\n${unicode}\n{"index":4,"ty`, `${good}\n{oops}\n${unicode}`, '', '\n\n', `\n  ${unicode}  \n`];
    for (const text of texts) {
      for (const options of [{}, { tornTail: true }]) {
        expect(outcome(() => readJsonl(Buffer.from(text, 'utf8'), options))).toEqual(outcome(() => readJsonl(text, options)));
      }
    }
    // The torn last line is left out only where asked, in both.
    expect(readJsonl(Buffer.from(`${good}\n{"index":4,"ty\n\n`), { tornTail: true }).history).toHaveLength(3);
    expect(() => readJsonl(Buffer.from(`${good}\n{"index":4,"ty`))).toThrow(/^line 5: not JSON/);
    expect(readJsonl(Buffer.from(`${good}\n${unicode}`)).history[3]!.value).toBe('v☃😀');
  });
});

describe('EDN', () => {
  it('reads the values Jepsen histories use', () => {
    const v = parseEdn('{:process 0, :type :invoke, :f :cas, :value [1 2], :key "k", :x nil, :t true, :d -3.5, :n 12N, :c \\a, :s #{1}, :l (1 2), :sym foo}');
    expect(v).toBeInstanceOf(Map);
    const m = v as Map<unknown, unknown>;
    expect(m.get(Keyword.of('process'))).toBe(0);
    expect(m.get(Keyword.of('f'))).toBe(Keyword.of('cas'));
    expect(m.get(Keyword.of('value'))).toEqual([1, 2]);
    expect(m.get(Keyword.of('key'))).toBe('k');
    expect(m.get(Keyword.of('x'))).toBeNull();
    expect(m.get(Keyword.of('t'))).toBe(true);
    expect(m.get(Keyword.of('d'))).toBe(-3.5);
    expect(m.get(Keyword.of('n'))).toBe(12);
    expect(m.get(Keyword.of('c'))).toBe('a');
    expect(m.get(Keyword.of('s'))).toEqual(new Set([1]));
    expect(m.get(Keyword.of('l'))).toEqual([1, 2]);
    expect(m.get(Keyword.of('sym'))).toEqual(new EdnSymbol('foo'));
  });

  it('reads strings with escapes, comments, discards and tags', () => {
    expect(parseEdn('"a\\"b\\n\\u0041"')).toBe('a"b\nA');
    expect(parseEdn('; a comment\n[1 #_ 2 3]')).toEqual([1, 3]);
    expect(parseEdn('#inst "2020-01-01"')).toBe('2020-01-01');
    const t = parseEdn('#jepsen.history.Op{:index 0}');
    expect(t).toBeInstanceOf(Tagged);
  });

  it.each([
    ['{:a 1', /^line 1: a "\{" opened here is never closed/],
    ['{:a [1 2}', /^line 1: expected "]" to close the "\[" opened on line 1, found "}"/],
    ['{:a 1]', /^line 1: expected "}" to close the "\{" opened on line 1, found "]"/],
    ['{:a 1 :b}', /^line 1: a map needs an even number of forms, this one has 3/],
    ['{:a 1}}', /^line 1: unexpected "}" after the end of the value/],
    ['"abc', /^line 1: a string opened here is never closed/],
    ['"a\\qb"', /^line 1: bad escape \\q in a string/],
    ['12abc', /^line 1: bad number "12abc"/],
    ['', /^line 1: unexpected end of the text/],
  ])('refuses %j', (text, message) => {
    expect(() => parseEdn(text)).toThrow(UsageError);
    expect(() => parseEdn(text)).toThrow(message);
  });

  it('counts lines, inside strings too', () => {
    expect(() => parseEdn('[1\n"two\nlines"\n3 ]]')).toThrow(/^line 4: unexpected "]"/);
  });
});

describe('Jepsen EDN histories', () => {
  it('reads one op map per line, times as line numbers and ids as positions', () => {
    const text = ['{:process 0, :type :invoke, :f :write, :key "k", :value 3}', '{:process :nemesis, :type :info, :f :start, :value nil}', '{:process 0, :type :ok, :f :write, :key "k", :value 3}'].join('\n');
    const { history, lines, timeUnit } = readEdn(text);
    expect(timeUnit).toBe('line');
    expect(lines).toEqual([1, 2, 3]);
    expect(history.map((o) => [o.index, o.type, o.process, o.f, o.key, o.value, o.time])).toEqual([
      [0, 'invoke', 0, 'write', 'k', 3, 1],
      [1, 'info', 'nemesis', 'start', undefined, null, 2],
      [2, 'ok', 0, 'write', 'k', 3, 3],
    ]);
  });

  it('reads a vector of ops, with :time and :index when every op has them', () => {
    const text = '[{:index 7, :time 100, :process 0, :type :invoke, :f :read, :value nil}\n {:index 8, :time 250, :process 0, :type :ok, :f :read, :value 1}]';
    const { history, lines, timeUnit } = readEdn(text);
    expect(timeUnit).toBe('ns');
    expect(lines).toEqual([1, 2]);
    expect(history.map((o) => [o.index, o.time, o.value])).toEqual([
      [7, 100, null],
      [8, 250, 1],
    ]);
  });

  it('reads jepsen.independent [key value] tuples, cas pairs included', () => {
    const text = [
      '{:process 0, :type :invoke, :f :cas, :value [3 [1 2]]}',
      '{:process 1, :type :invoke, :f :read, :value [4 nil]}',
      '{:process 0, :type :info, :f :cas, :value :timed-out}',
      '{:process 1, :type :ok, :f :read, :value [4 7]}',
    ].join('\n');
    const { history } = readEdn(text);
    expect(history.map((o) => [o.key, o.value])).toEqual([
      ['3', [1, 2]],
      ['4', null],
      [undefined, ':timed-out'],
      ['4', 7],
    ]);
  });

  it('leaves a plain cas [old new] alone', () => {
    const { history } = readEdn('{:process 0, :type :invoke, :f :cas, :value [1 2]}\n{:process 0, :type :ok, :f :cas, :value [1 2]}');
    expect(history.map((o) => [o.key, o.value])).toEqual([
      [undefined, [1, 2]],
      [undefined, [1, 2]],
    ]);
  });

  it.each([
    ['[1 2]', /^line 1: expected an op map/],
    ['{:process "p", :type :invoke, :f :read}', /^line 1: :process must be a non-negative integer or :nemesis/],
    ['{:process 0, :type :maybe, :f :read}', /^line 1: :type must be :invoke, :ok, :fail or :info/],
    ['{:process 0, :type :ok}', /^line 1: :f must be a keyword/],
  ])('refuses %s', (text, message) => {
    expect(() => readEdn(`\n${text}`)).toThrow(/^line 2: /);
    expect(() => readEdn(text)).toThrow(message);
  });

  it('reads an empty file as an empty history', () => {
    expect(readEdn('\n  \n').history).toEqual([]);
  });
});

describe('Jepsen etcd logs', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 0\t:ok\t:read\tnil',
    'INFO  jepsen.core - some other logger',
    'INFO  jepsen.util - 1   :invoke :cas    [1 4]',
    'INFO  jepsen.util - 1   :fail   :cas    [1 4]',
    'INFO  jepsen.util - 2\t:invoke\t:write\t3',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
    'INFO  jepsen.util - 2\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
  ].join('\n');

  it("reads the etcd test's meanings: a failed cas ran, a timed-out read is dropped, info is unknown", () => {
    const { ops } = readJepsenLog(log);
    expect(ops).toEqual([
      { id: 1, process: 0, f: 'read', value: null, output: null, call: 1, return: 2 },
      { id: 4, process: 1, f: 'cas', value: [1, 4], output: false, call: 4, return: 5 },
      { id: 6, process: 2, f: 'write', value: 3, call: 6, return: Infinity },
    ]);
  });

  it('an empty file is an empty history', () => {
    expect(readJepsenLog('').ops).toEqual([]);
  });

  it.each([
    ['hello world', /^line 1: no "jepsen.util/],
    ['INFO  jepsen.util - x :invoke :read nil', /^line 1: the process must be a number or :nemesis/],
    ['INFO  jepsen.util - 1 :invoke :write [1', /^line 1: bad value "\[1"/],
    ['INFO  jepsen.util - 1 :ok :write 1', /^line 1: process 1 completes \(:ok\) a write it never invoked/],
    ['INFO  jepsen.util - 1 :invoke :write 1\nINFO  jepsen.util - 1 :invoke :write 2', /^line 2: process 1 invokes write while its write from line 1 has not completed/],
    ['INFO  jepsen.util - 1 garbage', /^line 1: expected "jepsen.util - <process> :<type> :<f> <value>"/],
  ])('refuses %j', (text, message) => {
    expect(() => readJepsenLog(text)).toThrow(UsageError);
    expect(() => readJepsenLog(text)).toThrow(message);
  });
});
