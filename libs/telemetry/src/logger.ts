/**
 * Structured JSON logs (pino) on stdout. Every line logged inside a traced operation carries
 * `trace_id` and `span_id`, so a log line can be found from a trace and the other way round.
 */
import { trace } from '@opentelemetry/api';
import pino, { Logger, LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  serviceName: string;
  level: LevelWithSilent;
}

export function createLogger(options: LoggerOptions, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.serviceName, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Never log credentials even if a caller passes a request object.
      redact: { paths: ['authorization', 'headers.authorization', 'apiKey', 'api_key'], censor: '[redacted]' },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
