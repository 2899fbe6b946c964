/**
 * The shape every RingKV session stream shares (storage and coordinator protos alike): a client
 * message carries operations tagged with ids, a server message carries results tagged with the
 * same ids, in any order and grouping. `Op` and `Result` are ts-proto oneof unions
 * (`{ $case, value }`); a failed operation's result is the `error` case.
 */
import { SessionErrorBody } from './session-error';

export interface Tagged<T> {
  $case: string;
  value: T;
}

export interface SessionOpMessage<Op> {
  id: number;
  op: Op | undefined;
  /** W3C `traceparent` of the caller's span ('' when not tracing). */
  traceparent: string;
}

export type ResultOrError<Result> = Result | { $case: 'error'; value: SessionErrorBody };

export interface SessionResultMessage<Result> {
  id: number;
  result: ResultOrError<Result> | undefined;
}

export interface SessionRequestMessage<Op> {
  ops: SessionOpMessage<Op>[];
}

export interface SessionResponseMessage<Result> {
  results: SessionResultMessage<Result>[];
}
