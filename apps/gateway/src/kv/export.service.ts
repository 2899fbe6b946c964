/**
 * `GET /v1/export`: every live key of the acting tenant as NDJSON lines
 * `{"key":…,"value":…,"ttl_seconds"?:…}` — the format `POST /v1/import` reads, so an export can
 * be imported elsewhere. Values are spliced in as stored (no JSON re-encoding). The first batch
 * is fetched before anything is sent, so an export that cannot start fails with a proper status;
 * a failure after the first line ends the stream with one error line.
 */
import { Injectable } from '@nestjs/common';
import type { Tenant } from '@ringkv/db';
import type { coordinatorV1 } from '@ringkv/proto';
import { CoordinatorPool } from '../coordinators/coordinator-pool';
import { GatewayError } from '../errors/gateway-error';

@Injectable()
export class ExportService {
  constructor(private readonly coordinators: CoordinatorPool) {}

  /** Resolves once the export has started; the generator then yields NDJSON chunks. */
  async start(tenant: Tenant): Promise<AsyncGenerator<string>> {
    const batches = this.coordinators.export(tenant.id);
    const first = await batches.next();
    return (async function* lines() {
      if (first.done) return;
      yield render(first.value);
      try {
        for await (const batch of batches) yield render(batch);
      } catch (error) {
        const code = error instanceof GatewayError ? error.code : 'INTERNAL_ERROR';
        const message = error instanceof GatewayError ? error.message : 'export failed';
        yield `${JSON.stringify({ status: 'error', error_code: code, message })}\n`;
      }
    })();
  }
}

function render(items: coordinatorV1.ExportItem[]): string {
  const now = Date.now();
  let out = '';
  for (const item of items) {
    const expires = Number(item.expiresAtMs);
    const ttl = expires > 0 ? `,"ttl_seconds":${Math.max(1, Math.ceil((expires - now) / 1000))}` : '';
    out += `{"key":${JSON.stringify(item.key)},"value":${Buffer.from(item.value).toString('utf8')}${ttl}}\n`;
  }
  return out;
}
