/** What an app tells the telemetry bootstrap about itself. */
export interface TelemetryOptions {
  serviceName: string;
  /** `none` keeps trace ids (for logs and propagation) but exports no spans. */
  tracesExporter: 'none' | 'console' | 'otlp';
  otlpEndpoint: string;
  traceSampleRatio: number;
}
