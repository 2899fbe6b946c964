/**
 * One gateway's share of the rate-limit budget, kept as plain data: no I/O, no clock, no timers.
 *
 * Every (tenant, kind) slot has one shared counter per fixed window in Redis. A gateway does
 * not count each request there: it leases tokens in chunks (the lease is added to the shared
 * counter at once) and spends them locally. Per slot and window the book holds
 *   - `leased`: tokens this gateway has counted in Redis but not yet spent;
 *   - `counted`: the shared counter as Redis last reported it (a lower bound of the true count,
 *     since a window's counter only grows);
 *   - `leasing`: whether a lease request for the slot is in flight.
 *
 * `take` decides one request:
 *   - admit   the lease covers its cost;
 *   - refuse  the cost exceeds what the window can still give even as last seen, so Redis would
 *             refuse it too (only once Redis has answered for this window: before that nothing
 *             is known, and an unreachable Redis must fail open);
 *   - wait    a lease is already in flight; ask again once it has settled (no stampede);
 *   - lease   ask Redis for at least `need` more tokens (`want` adds the chunk). The request's
 *             part already covered by the lease is set aside for it, so requests admitted while
 *             the lease is in flight cannot spend it.
 * `settle` applies Redis's answer and decides the request that asked, before anyone else can
 * spend the new tokens; `fail` ends a lease request Redis did not answer.
 *
 * Trade-off: tokens leased but unspent when a window ends are lost for that window, so across
 * G gateways the effective limit can be up to G × (chunk − 1) below the configured one, never
 * above it. Small limits use chunk 1 and stay exact.
 *
 * State lives for the newest window seen and the one before it (a request can still be
 * settling at a boundary), plus at most one older window (a clock that stepped back); older
 * windows are dropped when a newer one appears, so memory is bounded by the slots active in
 * three windows.
 */

export interface RateLeaseOptions {
  /** Lease size as a fraction of the limit: 2% means about 50 Redis calls per full window. */
  chunkFraction: number;
  /** Largest lease: bounds the tokens one gateway can strand at a window's end. */
  maxChunk: number;
}

export const DEFAULT_RATE_LEASE_OPTIONS: RateLeaseOptions = { chunkFraction: 0.02, maxChunk: 100 };

/** Tokens leased per Redis call for `limit`: 1 below 100/s (exact), 2% of the limit up to the cap. */
export function leaseChunk(limit: number, options: RateLeaseOptions = DEFAULT_RATE_LEASE_OPTIONS): number {
  return Math.max(1, Math.min(options.maxChunk, Math.floor(limit * options.chunkFraction)));
}

/** A lease to ask Redis for: grant at least `need` (or nothing), up to `want`. */
export interface LeaseRequest {
  action: 'lease';
  need: number;
  want: number;
  /** Leased tokens set aside for the asking request while its lease is in flight. */
  reserved: number;
}

export type LeaseDecision = { action: 'admit'; remaining: number } | { action: 'refuse'; remaining: number };

export type LeaseStep = LeaseDecision | LeaseRequest | { action: 'wait' };

interface WindowLease {
  limit: number;
  leased: number;
  counted: number;
  /** Redis has answered for this window, so `counted` is real. */
  seen: boolean;
  leasing: boolean;
}

export class RateLeaseBook {
  /** window → slot → state; at most the newest window and the one before it. */
  private readonly windows = new Map<number, Map<string, WindowLease>>();
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RateLeaseOptions = DEFAULT_RATE_LEASE_OPTIONS) {}

  take(slot: string, window: number, limit: number, cost: number): LeaseStep {
    const state = this.state(slot, window, limit);
    if (cost <= state.leased) {
      state.leased -= cost;
      return { action: 'admit', remaining: remaining(state) };
    }
    if (state.seen && cost > remaining(state)) return { action: 'refuse', remaining: remaining(state) };
    if (state.leasing) return { action: 'wait' };
    const reserved = state.leased;
    const need = cost - reserved;
    state.leased = 0;
    state.leasing = true;
    return { action: 'lease', need, want: Math.max(need, leaseChunk(limit, this.options)), reserved };
  }

  /**
   * Applies Redis's answer to `request`: `granted` tokens were added to the shared counter,
   * which now stands at `counted`. Admits the asking request if the grant covers it (Redis
   * grants at least `need` or nothing).
   */
  settle(
    slot: string,
    window: number,
    limit: number,
    request: LeaseRequest,
    granted: number,
    counted: number,
  ): LeaseDecision {
    const state = this.state(slot, window, limit);
    state.leasing = false;
    state.seen = true;
    state.counted = Math.max(state.counted, counted);
    if (granted >= request.need) {
      state.leased += granted - request.need;
      return { action: 'admit', remaining: remaining(state) };
    }
    state.leased += request.reserved + granted;
    return { action: 'refuse', remaining: remaining(state) };
  }

  /** Redis did not answer: the next request may try again. Set-aside tokens go to the asker. */
  fail(slot: string, window: number): void {
    const state = this.windows.get(window)?.get(slot);
    if (state) state.leasing = false;
  }

  /** Slots held, over all windows kept (for tests and introspection). */
  get size(): number {
    let total = 0;
    for (const slots of this.windows.values()) total += slots.size;
    return total;
  }

  private state(slot: string, window: number, limit: number): WindowLease {
    if (window > this.newest) this.advance(window);
    let slots = this.windows.get(window);
    if (!slots) {
      // An older window (the clock stepped back, or a very late answer) is kept alone beside
      // the newest two, so memory stays bounded however the clock moves.
      if (window < this.newest - 1)
        for (const held of this.windows.keys()) if (held < this.newest - 1) this.windows.delete(held);
      slots = new Map();
      this.windows.set(window, slots);
    }
    let state = slots.get(slot);
    if (!state) {
      state = { limit, leased: 0, counted: 0, seen: false, leasing: false };
      slots.set(slot, state);
    } else if (state.limit !== limit) {
      // The tenant's limit changed: drop the lease (it stays counted), so a lowered limit is
      // not overrun by tokens leased under the old one.
      state.limit = limit;
      state.leased = 0;
    }
    return state;
  }

  private advance(window: number): void {
    this.newest = window;
    for (const held of this.windows.keys()) if (held < window - 1) this.windows.delete(held);
  }
}

/** What the window can still give this gateway: unleased budget as last seen plus its lease. */
function remaining(state: WindowLease): number {
  return Math.max(0, state.limit - state.counted + state.leased);
}
