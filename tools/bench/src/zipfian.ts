/**
 * Zipfian key choice as YCSB does it (Gray et al., "Quickly generating billion-record synthetic
 * databases"): item i (0-based) is drawn with probability proportional to 1/(i+1)^theta, so a
 * few keys are hot and most are cold. Pure; the random source is injected for repeatability.
 */
export const YCSB_ZIPFIAN_CONSTANT = 0.99;

export class Zipfian {
  private readonly alpha: number;
  private readonly zetan: number;
  private readonly eta: number;
  private readonly theta: number;

  constructor(
    readonly items: number,
    theta = YCSB_ZIPFIAN_CONSTANT,
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(items) || items < 1) throw new RangeError(`items must be a positive integer, got ${items}`);
    this.theta = theta;
    this.zetan = zeta(items, theta);
    const zeta2 = zeta(2, theta);
    this.alpha = 1 / (1 - theta);
    this.eta = (1 - Math.pow(2 / items, 1 - theta)) / (1 - zeta2 / this.zetan);
  }

  next(): number {
    const u = this.random();
    const uz = u * this.zetan;
    if (uz < 1) return 0;
    if (uz < 1 + Math.pow(0.5, this.theta)) return Math.min(1, this.items - 1);
    return Math.min(this.items - 1, Math.floor(this.items * Math.pow(this.eta * u - this.eta + 1, this.alpha)));
  }
}

function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, theta);
  return sum;
}
