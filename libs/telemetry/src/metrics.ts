/**
 * Helpers to declare metrics once per module. Names follow Prometheus conventions
 * (`ringkv_<area>_<what>_<unit>`); the Prometheus exporter adds `_total` to counters.
 * Latency histograms use buckets in seconds suited to a KV store (sub-millisecond to seconds).
 */
import { Attributes, Counter, Histogram, metrics, ObservableGauge, UpDownCounter } from '@opentelemetry/api';

export type { Attributes, Counter, Histogram, ObservableGauge, UpDownCounter } from '@opentelemetry/api';

const meter = () => metrics.getMeter('ringkv');

export const LATENCY_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export function counter(name: string, description: string): Counter {
  return meter().createCounter(name, { description });
}

export function upDownCounter(name: string, description: string): UpDownCounter {
  return meter().createUpDownCounter(name, { description });
}

export function latencyHistogram(name: string, description: string): Histogram {
  return meter().createHistogram(name, {
    description,
    unit: 's',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
  });
}

export function sizeHistogram(name: string, description: string, boundaries: number[]): Histogram {
  return meter().createHistogram(name, { description, unit: 'By', advice: { explicitBucketBoundaries: boundaries } });
}

/** A gauge read at scrape time from `observe`, which returns the values to report. */
export function gauge(
  name: string,
  description: string,
  observe: () => Array<{ value: number; attributes?: Attributes }> | number,
): ObservableGauge {
  const g = meter().createObservableGauge(name, { description });
  g.addCallback((result) => {
    const values = observe();
    if (typeof values === 'number') result.observe(values);
    else for (const v of values) result.observe(v.value, v.attributes);
  });
  return g;
}

/** Seconds elapsed since `start` (from `process.hrtime.bigint()`), for latency histograms. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
