export { startTelemetry } from './start-telemetry';
export type { Telemetry } from './start-telemetry';
export type { TelemetryOptions } from './telemetry-options';
export { createLogger } from './logger';
export type { Logger, LoggerOptions } from './logger';
export {
  counter,
  gauge,
  latencyHistogram,
  LATENCY_BUCKETS_SECONDS,
  secondsSince,
  sizeHistogram,
  upDownCounter,
} from './metrics';
export type { Attributes, Counter, Histogram, ObservableGauge, UpDownCounter } from './metrics';
export { startInstrumented } from './start-instrumented';
export type { AppEntry, InstrumentedConfig } from './start-instrumented';
