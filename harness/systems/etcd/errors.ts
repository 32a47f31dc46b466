/**
 * How a request to etcd that did not succeed completes, by Jepsen's rules. Pure.
 *
 * An error is *definite* when the operation certainly did not take effect: the connection was refused
 * (nothing was sent), or etcd refused the request before proposing it (a bad argument, too many
 * requests, no space, a compacted revision...). Everything else is indefinite: a timeout, a connection
 * lost mid-request, gRPC UNAVAILABLE ("request timed out", "leader changed"), UNKNOWN, an internal
 * error: the write may still be committed. A read changes nothing, so a failed read is always `fail`;
 * a write or cas with an indefinite error is `info`.
 */
import type { GatewayReply } from './gateway.js';

export type OpKind = 'read' | 'write' | 'cas';

/** gRPC status codes that etcd returns only for requests it never proposed. */
const DEFINITE_GRPC_CODES: ReadonlySet<number> = new Set([
  3, // INVALID_ARGUMENT: empty key, bad compare, request too large
  5, // NOT_FOUND
  6, // ALREADY_EXISTS
  7, // PERMISSION_DENIED
  8, // RESOURCE_EXHAUSTED: too many requests, database space exceeded
  9, // FAILED_PRECONDITION: not capable, learner
  11, // OUT_OF_RANGE: revision compacted or in the future
  16, // UNAUTHENTICATED
]);

export interface Failure {
  type: 'fail' | 'info';
  /** One line: what happened, e.g. `timeout`, `ECONNREFUSED`, `14 etcdserver: request timed out`. */
  error: string;
}

/** The completion of an op whose reply was not a success. */
export function failureOf(op: OpKind, reply: GatewayReply): Failure {
  const { definite, error } = describe(reply);
  return { type: definite || op === 'read' ? 'fail' : 'info', error };
}

function describe(reply: GatewayReply): { definite: boolean; error: string } {
  if (reply.kind === 'timeout') return { definite: false, error: 'timeout' };
  if (reply.kind === 'error') return { definite: reply.code === 'ECONNREFUSED', error: reply.code };
  const code = typeof reply.body['code'] === 'number' ? reply.body['code'] : undefined;
  const message = typeof reply.body['error'] === 'string' ? reply.body['error'] : `HTTP ${reply.status}`;
  if (code !== undefined) return { definite: DEFINITE_GRPC_CODES.has(code), error: `${code} ${message}` };
  // No gRPC status: the gateway itself refused the request (a 4xx) before calling etcd.
  return { definite: reply.status >= 400 && reply.status < 500, error: message };
}
