/**
 * Which keys and values a node takes. Pure. A key must be one that `GET /kv/get/:key` can name (a
 * client sends it percent-encoded with encodeURIComponent and the node decodes it), and keys and
 * values have size limits, so that a write the node acknowledges can always be read back:
 *
 * - a key is a non-empty string of at most `maxKeyBytes` bytes in UTF-8;
 * - it holds no lone UTF-16 surrogate (such a string has no UTF-8 form: encodeURIComponent throws on
 *   it, and no percent-encoded path decodes to it);
 * - it is not `.` or `..`, which every HTTP client (curl, browsers, fetch) resolves as a path step
 *   before sending, so `/kv/get/..` never reaches the node as that key;
 * - a value is a string of at most `maxValueBytes` bytes in UTF-8.
 *
 * Every other string round-trips: percent-encoding escapes `/`, `?`, `#`, `%`, spaces and control
 * characters, and the node decodes exactly what was encoded.
 */
import { BadRequest } from './bad-request.js';
import type { KeyRules } from './peer-messages.js';

export interface PayloadLimits {
  maxKeyBytes: number;
  maxValueBytes: number;
}

export const DEFAULT_LIMITS: PayloadLimits = { maxKeyBytes: 1024, maxValueBytes: 1024 * 1024 };
/**
 * A key percent-encodes to at most three times its bytes, and the request line must fit in Node's
 * 16 KiB header limit: 4 KiB keys (12 KiB encoded) leave room for the rest of the request.
 */
export const MOST_KEY_BYTES = 4096;
/** A client's put body is at most 1 MiB, so no larger value could be written. */
export const MOST_VALUE_BYTES = 1024 * 1024;

export interface Problem {
  /** 400: not a usable key; 413: over its size limit. */
  status: 400 | 413;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with `key`, or undefined when the node takes it. */
export function keyProblem(key: string, limits: PayloadLimits): Problem | undefined {
  if (key === '') return { status: 400, message: '"key" must not be empty' };
  // Measured before anything else reads the whole string (a UTF-16 unit is at most 3 bytes of UTF-8).
  if (key.length * 3 > limits.maxKeyBytes) {
    const bytes = Buffer.byteLength(key, 'utf8');
    if (bytes > limits.maxKeyBytes) return { status: 413, message: `the key is ${bytes} bytes, over the limit of ${limits.maxKeyBytes} bytes (--max-key-bytes)` };
  }
  const lone = LONE_SURROGATE.exec(key);
  if (lone) {
    const unit = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return { status: 400, message: `the key holds a lone UTF-16 surrogate (U+${unit} at position ${lone.index}), which no URL can name; use well-formed Unicode` };
  }
  if (key === '.' || key === '..') return { status: 400, message: `the key ${JSON.stringify(key)} cannot be named in a URL (HTTP clients resolve it as a path step); use another key` };
  return undefined;
}

/** What is wrong with `value`, or undefined when the node takes it. */
export function valueProblem(value: string, limits: PayloadLimits): Problem | undefined {
  if (value.length * 3 <= limits.maxValueBytes) return undefined;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > limits.maxValueBytes) return { status: 413, message: `the value is ${bytes} bytes, over the limit of ${limits.maxValueBytes} bytes (--max-value-bytes)` };
  return undefined;
}

/** The rules as peer-messages.ts applies them to internal reads and writes. */
export function keyRules(limits: PayloadLimits): KeyRules {
  return {
    checkKey(key, what) {
      const p = keyProblem(key, limits);
      if (p) throw new BadRequest(`${what}: ${p.message}`, p.status);
    },
    checkValue(value, what) {
      const p = valueProblem(value, limits);
      if (p) throw new BadRequest(`${what}: ${p.message}`, p.status);
    },
  };
}
