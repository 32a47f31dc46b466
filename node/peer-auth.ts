/**
 * The cluster secret. A node given one (`--cluster-secret`, or the environment variable
 * `GODIST_CLUSTER_SECRET`) answers a /internal/* request only when it carries the same secret in the
 * `X-Godist-Cluster-Secret` header, and puts it on every internal request it sends itself.
 *
 * It proves that the sender knows the secret, nothing more: it travels in clear text with every
 * request (this is not TLS), so anyone who can read the traffic between nodes can copy it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const SECRET_HEADER = 'x-godist-cluster-secret';
export const SECRET_ENV = 'GODIST_CLUSTER_SECRET';
export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;

export type SecretVerdict = 'ok' | 'missing' | 'wrong';

/**
 * A check of the header a request carries against `secret`. Both sides are hashed first so that the
 * comparison takes the same time whatever the presented value, its length included.
 */
export function secretChecker(secret: string): (presented: string | string[] | undefined) => SecretVerdict {
  const want = digest(secret);
  return (presented) => {
    if (presented === undefined || presented === '') return 'missing';
    const got = digest(Array.isArray(presented) ? presented.join(', ') : presented);
    return timingSafeEqual(got, want) ? 'ok' : 'wrong';
  };
}

/** What is wrong with a secret as given (by `source`, a flag or the variable), or undefined. */
export function secretProblem(secret: string, source: string): string | undefined {
  const example = 'e.g. the output of: openssl rand -hex 16';
  if (secret === '') return `${source} is set but empty (give at least ${MIN_SECRET_LENGTH} characters, ${example}; or leave it unset to run with open internal routes)`;
  if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
    return `${source} is ${secret.length} characters long; give ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} (${example})`;
  }
  if (!/^[\x21-\x7e]+$/.test(secret)) return `${source} holds spaces or characters outside printable ASCII (it travels in an HTTP header; ${example})`;
  return undefined;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
