/**
 * Waiting for a quorum core (PutCore, GetCore) to finish: resolves at the first of "the core is
 * done" (the driver calls `check()` after every result it records) and the deadline, which it
 * reports to the core. No polling; one timer per request.
 */
export interface QuorumCore {
  isDone(): boolean;
  deadlineExpired(): void;
}

export class QuorumWait {
  private wake: () => void = () => undefined;
  private readonly settled = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(private readonly core: QuorumCore) {}

  /** Call after recording each replica's result. */
  check(): void {
    if (this.core.isDone()) this.wake();
  }

  async until(timeoutMs: number): Promise<void> {
    if (this.core.isDone()) return;
    const timer = setTimeout(() => {
      this.core.deadlineExpired();
      this.wake();
    }, timeoutMs);
    await this.settled;
    clearTimeout(timer);
  }
}
