/** `GET /metrics`: every OpenTelemetry metric of this process in the Prometheus text format. */
import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Telemetry } from '@ringkv/telemetry';
import { TELEMETRY } from '../platform.tokens';

@Controller()
export class MetricsController {
  constructor(@Inject(TELEMETRY) private readonly telemetry: Telemetry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.telemetry.renderMetrics();
  }
}
