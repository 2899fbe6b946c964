/**
 * Opportunistic batching onto a stream: items pushed while a message is being written are
 * collected and go out together in the next message. There is no timer: an item waits at most
 * until the end of the current event-loop round (setImmediate), so at low load every item
 * leaves at once and at high load batches grow by themselves — every request whose I/O arrived
 * in the same round shares one message. Writes also respect back-pressure: when the stream's
 * buffer is full, items wait for 'drain'.
 *
 * Ownership: one BatchWriter per stream; nothing else writes to that stream.
 */
export interface BatchSink<M> {
  write(message: M, callback: (error?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export class BatchWriter<T, M> {
  private queue: T[] = [];
  private writing = false;
  private scheduled = false;
  private closed = false;
  private whenEmpty: Array<() => void> = [];
  /** Messages written and items carried, for metrics and benchmarks. */
  messages = 0;
  items = 0;

  constructor(
    private readonly sink: BatchSink<M>,
    private readonly wrap: (items: T[]) => M,
    private readonly maxBatch = 1024,
  ) {}

  push(item: T): void {
    if (this.closed) return;
    this.queue.push(item);
    if (!this.writing && !this.scheduled) {
      // Everything pushed until the event loop has run this round's I/O callbacks shares one
      // message: requests that arrived on many sockets at once, a fan-out, a batch of results.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Calls `then` once everything pushed so far has been handed to the stream. */
  afterFlush(then: () => void): void {
    if (this.closed || (this.queue.length === 0 && !this.writing && !this.scheduled)) then();
    else this.whenEmpty.push(then);
  }

  /** Drops anything queued; later pushes are ignored (the stream is gone). */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.notifyEmpty();
  }

  private notifyEmpty(): void {
    const waiting = this.whenEmpty;
    if (waiting.length === 0) return;
    this.whenEmpty = [];
    for (const then of waiting) then();
  }

  private flush(): void {
    if (this.writing || this.closed) return;
    if (this.queue.length === 0) {
      if (!this.scheduled) this.notifyEmpty();
      return;
    }
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
    this.writing = true;
    this.messages += 1;
    this.items += batch.length;
    // The next message may go once this one is handed to the transport and the buffer has
    // room. A hold keeps a synchronous callback from releasing before `write` returns.
    let waiting = 2;
    const release = () => {
      if (--waiting > 0) return;
      this.writing = false;
      this.flush();
    };
    const hasRoom = this.sink.write(this.wrap(batch), () => release());
    if (!hasRoom) {
      waiting += 1;
      this.sink.once('drain', release);
    }
    release();
  }
}
