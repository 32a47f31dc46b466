/**
 * A small, strict EDN reader (https://github.com/edn-format/edn) for Jepsen histories: nil,
 * booleans, numbers, strings, characters, keywords, symbols, lists, vectors, maps, sets, tagged
 * elements, comments and `#_` discards. Every error names the line it is on.
 *
 * Why our own: the npm EDN parsers we tried accept broken input silently (an unclosed map reads as
 * null, a stray `}` or a second form is ignored) and report no positions, and a checker that
 * half-reads a history gives a wrong verdict.
 */
import { UsageError } from '../shared/usage-error.js';
import { MAX_NESTING } from './nesting.js';

/** `:name` (or `:ns/name`). Interned: the same name is the same object, so Map lookups work. */
export class Keyword {
  private static readonly all = new Map<string, Keyword>();
  private constructor(readonly name: string) {}
  static of(name: string): Keyword {
    let k = Keyword.all.get(name);
    if (!k) {
      k = new Keyword(name);
      Keyword.all.set(name, k);
    }
    return k;
  }
  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

/** `#tag value` for a tag we do not interpret. */
export class Tagged {
  constructor(
    readonly tag: string,
    readonly value: EdnValue,
  ) {}
}

export type EdnValue =
  | null
  | boolean
  | number
  | string
  | Keyword
  | EdnSymbol
  | Tagged
  | EdnValue[]
  | Map<EdnValue, EdnValue>
  | Set<EdnValue>;

const DELIMITERS = new Set([' ', '\t', '\n', '\r', ',', '(', ')', '[', ']', '{', '}', '"', ';', '\f', '\v']);
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const INT = /^[-+]?(0|[1-9][0-9]*)N?$/;
const FLOAT = /^[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?M?$/;
const RATIO = /^[-+]?[0-9]+\/[0-9]+$/;
const NAMED_CHARS: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };
const STRING_ESCAPES: Record<string, string> = { t: '\t', r: '\r', n: '\n', '\\': '\\', '"': '"', b: '\b', f: '\f' };

/** Reads EDN forms one after another from a text, keeping track of lines. */
export class EdnReader {
  private pos = 0;
  /** Forms being read, one inside the other: bounded, so that no input can exhaust the stack. */
  private depth = 0;
  /** The 1-based line the reader is on. */
  line = 1;

  constructor(private readonly text: string) {}

  /** Skips whitespace, commas and comments; true when the text is exhausted. */
  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** The next significant character, without consuming it ('' at the end). */
  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  /** Consumes `ch`, which must be the next significant character. */
  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected ${JSON.stringify(ch)}, found ${this.describeNext()}`);
    this.pos++;
  }

  /** Reads one form; throws UsageError at the end of the text or on bad syntax. */
  read(): EdnValue {
    for (;;) {
      const v = this.readOrDiscard();
      if (v !== DISCARDED) return v;
    }
  }

  fail(message: string, line = this.line): never {
    throw new UsageError(`line ${line}: ${message}`);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '\n') {
        this.line++;
        this.pos++;
      } else if (c === ' ' || c === ',' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
        this.pos++;
      } else if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else {
        break;
      }
    }
  }

  private describeNext(): string {
    if (this.pos >= this.text.length) return 'the end of the text';
    return JSON.stringify(this.text.slice(this.pos, this.pos + 12));
  }

  private readOrDiscard(): EdnValue | typeof DISCARDED {
    if (this.depth >= MAX_NESTING) this.fail(`forms nested deeper than ${MAX_NESTING} levels (a history's values nest a few levels at most)`);
    this.depth++;
    try {
      return this.readForm();
    } finally {
      this.depth--;
    }
  }

  private readForm(): EdnValue | typeof DISCARDED {
    this.skipSpace();
    const t = this.text;
    if (this.pos >= t.length) this.fail('unexpected end of the text (an unclosed bracket or a missing value?)');
    const c = t[this.pos]!;
    switch (c) {
      case '(':
      case '[': {
        const start = this.line;
        this.pos++;
        return this.readSeq(CLOSERS[c]!, start);
      }
      case '{': {
        const start = this.line;
        this.pos++;
        const items = this.readSeq('}', start);
        if (items.length % 2 !== 0) this.fail(`a map needs an even number of forms, this one has ${items.length}`, start);
        const m = new Map<EdnValue, EdnValue>();
        const keys = new Set<string>();
        for (let i = 0; i < items.length; i += 2) {
          const id = identity(items[i]!);
          if (keys.has(id)) this.fail(`the key ${describeKey(items[i]!)} appears twice in one map`, start);
          keys.add(id);
          m.set(items[i]!, items[i + 1]!);
        }
        return m;
      }
      case ')':
      case ']':
      case '}':
        return this.fail(`unexpected ${JSON.stringify(c)} (no bracket open for it)`);
      case '"':
        return this.readString();
      case '\\':
        return this.readChar();
      case '#':
        return this.readDispatch();
      default:
        return this.readAtom();
    }
  }

  private readSeq(close: string, startLine: number): EdnValue[] {
    const out: EdnValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail(`a ${JSON.stringify(openerOf(close))} opened here is never closed`, startLine);
      const c = this.text[this.pos]!;
      if (c === close) {
        this.pos++;
        return out;
      }
      if (c === ')' || c === ']' || c === '}') this.fail(`expected ${JSON.stringify(close)} to close the ${JSON.stringify(openerOf(close))} opened on line ${startLine}, found ${JSON.stringify(c)}`);
      const v = this.readOrDiscard();
      if (v !== DISCARDED) out.push(v);
    }
  }

  private readString(): string {
    const t = this.text;
    const startLine = this.line;
    this.pos++;
    let out = '';
    let from = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('a string opened here is never closed', startLine);
      const c = t[this.pos]!;
      if (c === '"') {
        out += t.slice(from, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\n') this.line++;
      if (c === '\\') {
        out += t.slice(from, this.pos);
        const e = t[this.pos + 1] ?? '';
        if (e === 'u') {
          const hex = t.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad unicode escape \\u${hex}`);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else {
          const esc = STRING_ESCAPES[e];
          if (esc === undefined) this.fail(`bad escape \\${e} in a string`);
          out += esc;
          this.pos += 2;
        }
        from = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private readToken(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++; // the first character may be one a token cannot otherwise hold (e.g. '\\', '#')
    while (this.pos < t.length && !DELIMITERS.has(t[this.pos]!)) this.pos++;
    return t.slice(start, this.pos);
  }

  private readChar(): string {
    const tok = this.readToken();
    const body = tok.slice(1);
    if (body.length === 0) {
      // `\` followed by a delimiter character, e.g. `\(` or `\ `
      const c = this.text[this.pos];
      if (c === undefined || c === '\n') this.fail('a character literal needs a character after \\');
      this.pos++;
      return c;
    }
    if (body.length === 1) return body;
    const named = NAMED_CHARS[body];
    if (named !== undefined) return named;
    if (/^u[0-9a-fA-F]{4}$/.test(body)) return String.fromCharCode(parseInt(body.slice(1), 16));
    return this.fail(`unknown character literal \\${body}`);
  }

  private readDispatch(): EdnValue | typeof DISCARDED {
    const t = this.text;
    const next = t[this.pos + 1] ?? '';
    if (next === '{') {
      const start = this.line;
      this.pos += 2;
      return new Set(this.readSeq('}', start));
    }
    if (next === '_') {
      this.pos += 2;
      this.read();
      return DISCARDED;
    }
    if (next === '#') {
      const tok = this.readToken();
      if (tok === '##Inf') return Infinity;
      if (tok === '##-Inf') return -Infinity;
      if (tok === '##NaN') return NaN;
      return this.fail(`unknown symbolic value ${tok}`);
    }
    const tok = this.readToken();
    const tag = tok.slice(1);
    if (!/^[a-zA-Z]/.test(tag)) this.fail(`bad tag ${JSON.stringify(tok)}`);
    const value = this.read();
    if (tag === 'inst' || tag === 'uuid') return value;
    return new Tagged(tag, value);
  }

  private readAtom(): EdnValue {
    const tok = this.readToken();
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    const c = tok[0]!;
    if (c === ':') {
      if (tok.length === 1 || tok[1] === ':') this.fail(`bad keyword ${JSON.stringify(tok)}`);
      return Keyword.of(tok.slice(1));
    }
    const digitStart = (c >= '0' && c <= '9') || ((c === '-' || c === '+') && tok[1] !== undefined && tok[1] >= '0' && tok[1] <= '9');
    if (digitStart) {
      if (INT.test(tok)) return Number(tok.endsWith('N') ? tok.slice(0, -1) : tok);
      if (FLOAT.test(tok)) return Number(tok.endsWith('M') ? tok.slice(0, -1) : tok);
      if (RATIO.test(tok)) {
        const [a, b] = tok.split('/');
        return Number(a) / Number(b);
      }
      return this.fail(`bad number ${JSON.stringify(tok)}`);
    }
    return new EdnSymbol(tok);
  }
}

const DISCARDED = Symbol('discarded');

/**
 * Equal EDN values have equal identities: what tells two map keys apart. (Vectors and lists of the
 * same items are equal in EDN, as in Clojure.)
 */
function identity(v: EdnValue): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'boolean') return `b${v}`;
  if (v instanceof Keyword) return `k${v.name}`;
  if (v instanceof EdnSymbol) return `y${v.name}`;
  if (v instanceof Tagged) return `t${v.tag} ${identity(v.value)}`;
  if (Array.isArray(v)) return `[${v.map(identity).join(' ')}]`;
  if (v instanceof Set) return `#{${[...v].map(identity).sort().join(' ')}}`;
  return `{${[...v].map(([k, x]) => `${identity(k)} ${identity(x)}`).sort().join(' ')}}`;
}

function describeKey(v: EdnValue): string {
  const text = v instanceof Keyword ? `:${v.name}` : typeof v === 'string' ? JSON.stringify(v) : identity(v).replace(/^[snbky]/, '');
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function openerOf(close: string): string {
  return close === ')' ? '(' : close === ']' ? '[' : '{';
}

/** Reads a text holding exactly one EDN form. */
export function parseEdn(text: string): EdnValue {
  const r = new EdnReader(text);
  const v = r.read();
  if (!r.atEnd()) r.fail(`unexpected ${JSON.stringify(r.peek())} after the end of the value`);
  return v;
}
