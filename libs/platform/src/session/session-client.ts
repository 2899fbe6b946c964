/**
 * The client end of a multiplexed session: one long-lived bidirectional stream to one server,
 * carrying many concurrent calls matched by id, batched opportunistically (BatchWriter).
 *
 * - The stream opens lazily on the first call and again after it breaks; calls in flight on a
 *   broken stream fail with UNAVAILABLE (their effect on the server is unknown, like any RPC
 *   that loses its connection).
 * - Each call has a deadline; a call past it fails with DEADLINE_EXCEEDED and a late answer is
 *   ignored.
 * - Ids are uint32 and wrap; an id is reused only after its call finished.
 * - Each operation carries the caller's W3C trace context (one stream serves many traces).
 */
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { context, propagation } from '@opentelemetry/api';
import { BatchWriter } from './batch-writer';
import { deadlineExceeded, SessionCallError, SessionErrorBody, unavailable } from './session-error';
import type { SessionRequestMessage, SessionResponseMessage, SessionOpMessage, Tagged } from './session-types';

export type OpenSessionStream<Op, Result> = () => ClientDuplexStream<SessionRequestMessage<Op>, SessionResponseMessage<Result>>;

interface PendingCall<Result> {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface OpenStream<Op, Result> {
  stream: ClientDuplexStream<SessionRequestMessage<Op>, SessionResponseMessage<Result>>;
  writer: BatchWriter<SessionOpMessage<Op>, SessionRequestMessage<Op>>;
  pending: Map<number, PendingCall<Result>>;
}

export class SessionClient<Op extends Tagged<unknown>, Result extends Tagged<unknown>> {
  private current: OpenStream<Op, Result> | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly open: OpenSessionStream<Op, Result>,
    /** Used in error messages: which server this session talks to. */
    readonly target: string,
  ) {}

  /** Messages sent and operations carried on the current stream (batching at work). */
  stats(): { messages: number; ops: number } {
    return { messages: this.current?.writer.messages ?? 0, ops: this.current?.writer.items ?? 0 };
  }

  /** Calls in flight on the current stream. */
  get inFlight(): number {
    return this.current?.pending.size ?? 0;
  }

  call(op: Op, timeoutMs: number): Promise<Result> {
    if (this.closed) return Promise.reject(unavailable(`session to ${this.target} is closed`));
    const session = this.current ?? this.connect();
    const id = this.allocateId(session.pending);
    return new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => {
        session.pending.delete(id);
        reject(deadlineExceeded(`${op.$case} to ${this.target} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      session.pending.set(id, { resolve, reject, timer });
      session.writer.push({ id, op, traceparent: currentTraceparent() });
    });
  }

  /** Ends the stream; calls in flight fail with UNAVAILABLE. */
  close(): void {
    this.closed = true;
    if (this.current) this.fail(this.current, unavailable(`session to ${this.target} closed`));
  }

  private allocateId(pending: Map<number, unknown>): number {
    do {
      this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    } while (pending.has(this.nextId));
    return this.nextId;
  }

  private connect(): OpenStream<Op, Result> {
    const stream = this.open();
    const session: OpenStream<Op, Result> = {
      stream,
      writer: new BatchWriter(stream, (ops) => ({ ops })),
      pending: new Map(),
    };
    this.current = session;
    stream.on('data', (message: SessionResponseMessage<Result>) => {
      for (const { id, result } of message.results) this.settle(session, id, result);
    });
    stream.on('error', (error: Error) => this.fail(session, unavailable(`session to ${this.target} failed: ${error.message}`)));
    stream.on('end', () => this.fail(session, unavailable(`session to ${this.target} ended by the server`)));
    return session;
  }

  private settle(session: OpenStream<Op, Result>, id: number, result: SessionResponseMessage<Result>['results'][number]['result']): void {
    const call = session.pending.get(id);
    if (!call) return; // timed out already
    session.pending.delete(id);
    clearTimeout(call.timer);
    if (result === undefined) call.reject(new SessionCallError(13, 'INTERNAL_ERROR', `empty result from ${this.target}`));
    else if (result.$case === 'error') call.reject(SessionCallError.from(result.value as SessionErrorBody));
    else call.resolve(result as Result);
  }

  private fail(session: OpenStream<Op, Result>, error: SessionCallError): void {
    if (this.current === session) this.current = undefined;
    session.writer.close();
    for (const call of session.pending.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    session.pending.clear();
    session.stream.removeAllListeners('data');
    session.stream.on('error', () => undefined);
    session.stream.cancel();
  }
}

/** The active span's W3C traceparent, so the server side can continue the trace. */
function currentTraceparent(): string {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? '';
}
