import { DEFAULT_RATE_LEASE_OPTIONS, LeaseRequest, leaseChunk, RateLeaseBook } from './rate-lease-book';

/** A stand-in for the shared Redis counter of one window, with the Lua script's rule. */
class SharedWindow {
  counted = 0;
  calls = 0;
  constructor(readonly limit: number) {}

  grant(request: LeaseRequest): [number, number] {
    this.calls++;
    if (this.counted + request.need > this.limit) return [0, this.counted];
    const granted = Math.min(request.want, this.limit - this.counted);
    this.counted += granted;
    return [granted, this.counted];
  }
}

/** One gateway's request decided end to end, its lease (if any) answered at once. */
function request(
  book: RateLeaseBook,
  shared: SharedWindow,
  cost = 1,
  window = 7,
  slot = 't:write',
): { allowed: boolean; remaining: number } {
  const step = book.take(slot, window, shared.limit, cost);
  if (step.action === 'admit' || step.action === 'refuse')
    return { allowed: step.action === 'admit', remaining: step.remaining };
  if (step.action === 'wait') throw new Error('unexpected wait');
  const [granted, counted] = shared.grant(step);
  const decision = book.settle(slot, window, shared.limit, step, granted, counted);
  return { allowed: decision.action === 'admit', remaining: decision.remaining };
}

describe('leaseChunk', () => {
  it.each([
    [1, 1],
    [5, 1],
    [99, 1],
    [100, 2],
    [1_000, 20],
    [5_000, 100],
    [1_000_000, 100],
  ])('leases %i/s in chunks of %i', (limit, chunk) => {
    expect(leaseChunk(limit)).toBe(chunk);
  });

  it('follows the options', () => {
    expect(leaseChunk(1_000, { chunkFraction: 0.1, maxChunk: 50 })).toBe(50);
    expect(leaseChunk(1_000, { ...DEFAULT_RATE_LEASE_OPTIONS, chunkFraction: 0 })).toBe(1);
  });
});

describe('RateLeaseBook', () => {
  it('asks for a lease first, then admits from it without asking', () => {
    const book = new RateLeaseBook();
    expect(book.take('t:write', 7, 1_000, 1)).toEqual({ action: 'lease', need: 1, want: 20, reserved: 0 });
    expect(
      book.settle('t:write', 7, 1_000, { action: 'lease', need: 1, want: 20, reserved: 0 }, 20, 20),
    ).toEqual({
      action: 'admit',
      remaining: 999,
    });
    for (let i = 0; i < 19; i++) expect(book.take('t:write', 7, 1_000, 1)).toMatchObject({ action: 'admit' });
    expect(book.take('t:write', 7, 1_000, 1)).toMatchObject({ action: 'lease', need: 1 });
  });

  it('admits a small limit exactly, one Redis call per admitted request', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(5);
    const decisions = Array.from({ length: 8 }, () => request(book, shared));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 4],
      [true, 3],
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
      [false, 0],
      [false, 0],
    ]);
    expect(shared.counted).toBe(5);
    // The grant that filled the window reported the count, so refusals are decided locally.
    expect(shared.calls).toBe(5);
  });

  it('never lets two gateways together pass the limit, and strands at most a chunk each', () => {
    const shared = new SharedWindow(1_000);
    const gateways = [new RateLeaseBook(), new RateLeaseBook()];
    let admitted = 0;
    for (let i = 0; i < 3_000; i++) if (request(gateways[i % 2]!, shared).allowed) admitted++;
    expect(shared.counted).toBeLessThanOrEqual(1_000);
    expect(admitted).toBe(1_000); // both keep receiving requests, so both spend all they leased
    expect(shared.calls).toBeLessThan(3_000 / 10);

    // One gateway takes a lease and goes quiet: the other is refused before the limit.
    const quiet = new SharedWindow(1_000);
    const [a, b] = [new RateLeaseBook(), new RateLeaseBook()];
    request(a, quiet);
    let byB = 0;
    while (request(b, quiet).allowed) byB++;
    expect(1 + byB).toBe(1_000 - (leaseChunk(1_000) - 1));
  });

  it('refuses a cost above what is left without counting it, and admits one that fits', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(10);
    expect(request(book, shared, 7)).toEqual({ allowed: true, remaining: 3 });
    expect(request(book, shared, 4)).toEqual({ allowed: false, remaining: 3 });
    expect(request(book, shared, 3)).toEqual({ allowed: true, remaining: 0 });
    expect(shared.counted).toBe(10);
  });

  it('asks Redis before refusing anything in a window it has not heard about', () => {
    const book = new RateLeaseBook();
    expect(book.take('t:write', 7, 3, 5)).toMatchObject({ action: 'lease', need: 5 });
  });

  it('refuses locally when Redis refused a need larger than what is left', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(10);
    shared.counted = 8; // spent by other gateways
    expect(request(book, shared, 5)).toEqual({ allowed: false, remaining: 2 });
    const calls = shared.calls;
    expect(request(book, shared, 3)).toEqual({ allowed: false, remaining: 2 });
    expect(shared.calls).toBe(calls);
    expect(request(book, shared, 2)).toEqual({ allowed: true, remaining: 0 });
  });

  it('makes concurrent requests wait for the lease in flight, then admits them from it', () => {
    const book = new RateLeaseBook();
    const lease = book.take('t:read', 7, 1_000, 1);
    expect(lease).toMatchObject({ action: 'lease', want: 20 });
    expect(book.take('t:read', 7, 1_000, 1)).toEqual({ action: 'wait' });
    expect(book.take('t:read', 7, 1_000, 1)).toEqual({ action: 'wait' });
    // Another slot or window is independent.
    expect(book.take('t:write', 7, 1_000, 1)).toMatchObject({ action: 'lease' });
    expect(book.settle('t:read', 7, 1_000, lease as LeaseRequest, 20, 20)).toMatchObject({ action: 'admit' });
    expect(book.take('t:read', 7, 1_000, 1)).toMatchObject({ action: 'admit' });
    expect(book.take('t:read', 7, 1_000, 1)).toMatchObject({ action: 'admit' });
  });

  it('sets aside the lease a batch needs while its top-up is in flight', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(1_000);
    request(book, shared); // leases 20, spends 1
    const batch = book.take('t:write', 7, 1_000, 25);
    expect(batch).toEqual({ action: 'lease', need: 6, want: 20, reserved: 19 });
    // A single request meanwhile finds no lease to spend (the batch's) and waits.
    expect(book.take('t:write', 7, 1_000, 1)).toEqual({ action: 'wait' });
    const [granted, counted] = shared.grant(batch as LeaseRequest);
    expect(book.settle('t:write', 7, 1_000, batch as LeaseRequest, granted, counted)).toEqual({
      action: 'admit',
      remaining: 1_000 - 40 + 14,
    });
  });

  it('leaves the decision to Redis when the local view is optimistic', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(30);
    request(book, shared, 1); // chunk 1: leases 1, spends it; the window looks 29 short of full
    shared.counted = 28; // other gateways spent more since
    const step = book.take('t:write', 7, 30, 3);
    expect(step).toEqual({ action: 'lease', need: 3, want: 3, reserved: 0 });
    const [granted, counted] = shared.grant(step as LeaseRequest);
    expect(book.settle('t:write', 7, 30, step as LeaseRequest, granted, counted)).toEqual({
      action: 'refuse',
      remaining: 2,
    });
    expect(shared.counted).toBe(28);
  });

  it('gives set-aside tokens back when Redis refuses the top-up', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(100);
    request(book, shared, 1); // chunk 2: leases 2, keeps 1
    shared.counted = 99;
    const batch = book.take('t:write', 7, 100, 3);
    expect(batch).toEqual({ action: 'lease', need: 2, want: 2, reserved: 1 });
    const [granted, counted] = shared.grant(batch as LeaseRequest);
    expect(book.settle('t:write', 7, 100, batch as LeaseRequest, granted, counted)).toEqual({
      action: 'refuse',
      remaining: 2,
    });
    expect(book.take('t:write', 7, 100, 1)).toEqual({ action: 'admit', remaining: 1 });
  });

  it('lets the next request ask again after a failed lease', () => {
    const book = new RateLeaseBook();
    expect(book.take('t:write', 7, 1_000, 1)).toMatchObject({ action: 'lease' });
    book.fail('t:write', 7);
    expect(book.take('t:write', 7, 1_000, 1)).toMatchObject({ action: 'lease' });
  });

  it('starts every window afresh', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(2);
    request(book, shared);
    request(book, shared);
    expect(request(book, shared).allowed).toBe(false);
    expect(book.take('t:write', 8, 2, 1)).toMatchObject({ action: 'lease', need: 1 });
  });

  it('drops the lease when the limit changes, so a lowered limit is not overrun', () => {
    const book = new RateLeaseBook();
    const shared = new SharedWindow(1_000);
    request(book, shared); // holds 19
    expect(book.take('t:write', 7, 10, 1)).toMatchObject({ action: 'refuse', remaining: 0 });
  });

  it('keeps only the newest window and the one before it', () => {
    const book = new RateLeaseBook();
    for (let tenant = 0; tenant < 100; tenant++) book.take(`t${tenant}:read`, 7, 1_000, 1);
    book.take('late:read', 6, 1_000, 1);
    expect(book.size).toBe(101);
    book.take('t0:read', 8, 1_000, 1);
    expect(book.size).toBe(101); // windows 7 and 8
    book.take('t0:read', 9, 1_000, 1);
    expect(book.size).toBe(2); // windows 8 and 9
    book.take('t0:read', 20, 1_000, 1);
    expect(book.size).toBe(1);
  });

  it('stays bounded when the clock steps back', () => {
    const book = new RateLeaseBook();
    book.take('t:read', 100, 1_000, 1);
    for (let window = 50; window < 60; window++) book.take('t:read', window, 1_000, 1);
    expect(book.size).toBe(2); // windows 100 and 59
    // Back at the present: window 100's lease in flight is still known.
    expect(book.take('t:read', 100, 1_000, 1)).toMatchObject({ action: 'wait' });
  });
});
