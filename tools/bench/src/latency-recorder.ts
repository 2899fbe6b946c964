/** Collects operation latencies (ms) and reports throughput and percentiles. */
export interface LatencySummary {
  operations: number;
  errors: number;
  seconds: number;
  opsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

export class LatencyRecorder {
  private readonly samples: number[] = [];
  private errors = 0;

  record(ms: number): void {
    this.samples.push(ms);
  }

  error(): void {
    this.errors += 1;
  }

  summary(seconds: number): LatencySummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return {
      operations: sorted.length,
      errors: this.errors,
      seconds,
      opsPerSecond: sorted.length / seconds,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
    };
  }
}
