/**
 * The server end of a multiplexed session: runs every incoming operation concurrently through
 * `handle`, and sends results back batched (BatchWriter), each tagged with its request id.
 *
 * - A handler that throws yields that operation's error result (`toError` maps typed domain
 *   errors to a gRPC status and RingKV reason); the stream itself stays up.
 * - At most `maxInFlight` operations run at once per stream; beyond that the server stops
 *   reading (HTTP/2 flow control then pushes back on the client) until some finish.
 * - When the client half-closes, the server answers what is in flight, then ends the stream.
 * - An operation whose trace context is sampled runs in its own server span, a child of that
 *   context, so a trace follows the request through the stream and on to the next hop. An
 *   unsampled operation (the common case) runs with no span and no context propagation: on a
 *   path this hot, per-operation spans nobody records cost as much as the work itself.
 * - On shutdown (`drainSessions`, called by GrpcServer before it stops), every open session
 *   answers what it has in flight, refuses new operations with UNAVAILABLE, and ends, so the
 *   server can stop without waiting for long-lived streams to time out.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BatchWriter } from './batch-writer';
import type { SessionErrorBody } from './session-error';
import type {
  ResultOrError,
  SessionRequestMessage,
  SessionResponseMessage,
  SessionResultMessage,
  Tagged,
} from './session-types';

export interface SessionServerOptions<Op, Result> {
  handle: (op: Op) => Promise<Result>;
  toError: (error: unknown) => SessionErrorBody;
  maxInFlight?: number;
}

const openSessions = new Set<() => void>();
const tracer = trace.getTracer('ringkv-session');

/** Ends every open session gracefully (see the file comment). */
export function drainSessions(): void {
  for (const drain of [...openSessions]) drain();
}

export function serveSession<Op extends Tagged<unknown>, Result extends Tagged<unknown>>(
  call: ServerDuplexStream<SessionRequestMessage<Op>, SessionResponseMessage<Result>>,
  options: SessionServerOptions<Op, Result>,
): void {
  const maxInFlight = options.maxInFlight ?? 4096;
  const writer = new BatchWriter<SessionResultMessage<Result>, SessionResponseMessage<Result>>(call, (results) => ({
    results,
  }));
  let inFlight = 0;
  let paused = false;
  let clientDone = false;
  let draining = false;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    openSessions.delete(drain);
    // The last results may still be queued for the end of this event-loop round.
    writer.afterFlush(() => call.end());
  };
  const drain = () => {
    draining = true;
    if (inFlight === 0) queueMicrotask(end);
  };
  openSessions.add(drain);

  const finishOne = (id: number, result: ResultOrError<Result>) => {
    inFlight -= 1;
    writer.push({ id, result });
    if (paused && inFlight < maxInFlight / 2) {
      paused = false;
      call.resume();
    }
    if ((clientDone || draining) && inFlight === 0) queueMicrotask(end);
  };

  call.on('data', (message: SessionRequestMessage<Op>) => {
    for (const { id, op, traceparent } of message.ops) {
      inFlight += 1;
      if (op === undefined) {
        finishOne(id, { $case: 'error', value: { code: 3, reason: 'INVALID_REQUEST', message: 'empty operation' } });
        continue;
      }
      if (draining) {
        finishOne(id, { $case: 'error', value: { code: 14, reason: 'SERVICE_UNAVAILABLE', message: 'server is shutting down' } });
        continue;
      }
      let pending: Promise<Result>;
      try {
        pending = isSampled(traceparent) ? handleTraced(op, traceparent, options) : options.handle(op);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (result) => finishOne(id, result),
        (error: unknown) => finishOne(id, { $case: 'error', value: options.toError(error) }),
      );
    }
    if (inFlight >= maxInFlight && !paused) {
      paused = true;
      call.pause();
    }
  });
  call.on('end', () => {
    clientDone = true;
    if (inFlight === 0) end();
  });
  const gone = () => {
    openSessions.delete(drain);
    writer.close();
  };
  call.on('error', gone);
  call.on('cancelled', gone);
  call.on('close', () => openSessions.delete(drain));
}

/** W3C `traceparent` (`00-<trace>-<span>-<flags>`) with the sampled flag set. */
function isSampled(traceparent: string): boolean {
  return traceparent.length === 55 && (parseInt(traceparent.slice(53), 16) & 1) === 1;
}

function handleTraced<Op extends Tagged<unknown>, Result>(
  op: Op,
  traceparent: string,
  options: SessionServerOptions<Op, Result>,
): Promise<Result> {
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent });
  const span = tracer.startSpan(`session ${op.$case}`, { kind: SpanKind.SERVER }, parent);
  return context.with(trace.setSpan(parent, span), () => options.handle(op)).then(
    (result) => {
      span.end();
      return result;
    },
    (error: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR, message: options.toError(error).reason });
      span.end();
      throw error;
    },
  );
}
