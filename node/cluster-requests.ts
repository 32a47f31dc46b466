/**
 * The bodies of the membership routes, read strictly. Pure: each function takes a parsed JSON body
 * and returns what it asks for, or throws BadRequest saying what is wrong; nothing changes on a
 * refused body.
 *
 *   POST /cluster/ring  {"keys":[key,…]}   the replica sets of at most MAX_RING_KEYS keys
 *   POST /cluster/dial  {"id","addr"}      reach member id at addr from now on
 *   POST /cluster/leave (no body, or {})   leave the cluster for good
 */
import { BadRequest } from './bad-request.js';
import { keyProblem, type PayloadLimits } from './keys.js';
import { describe, fields, memberRef, type MemberRef } from './peer-messages.js';

/**
 * At most this many keys in one /cluster/ring request. The route is open like /cluster/status, so
 * what one request can make the node compute is bounded; the harness asks for 1,000.
 */
export const MAX_RING_KEYS = 10_000;

export function parseRingRequest(body: unknown, limits: PayloadLimits): string[] {
  const o = fields(body, 'ring request', ['keys'], '{"keys":[key,…]}');
  if (!Array.isArray(o.keys)) throw new BadRequest(`ring request: "keys" must be an array of key strings, got ${describe(o.keys)}`);
  if (o.keys.length > MAX_RING_KEYS) throw new BadRequest(`ring request: at most ${MAX_RING_KEYS} keys at once, got ${o.keys.length}`);
  return o.keys.map((k, i) => {
    if (typeof k !== 'string') throw new BadRequest(`ring request: "keys"[${i}] must be a string, got ${describe(k)}`);
    const problem = keyProblem(k, limits);
    if (problem) throw new BadRequest(`ring request: "keys"[${i}]: ${problem.message}`, problem.status);
    return k;
  });
}

/** A dial address for a member (the node refuses one for itself: Cluster.dialVia). */
export function parseDialRequest(body: unknown): MemberRef {
  return memberRef(body, 'dial request');
}

/** A leave takes no arguments: an empty body (undefined here) or {}. */
export function parseLeaveRequest(body: unknown): void {
  if (body === undefined) return;
  fields(body, 'leave request', [], '{} (or no body)');
}
