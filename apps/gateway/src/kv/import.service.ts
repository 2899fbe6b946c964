/**
 * Bulk import from NDJSON (`{key, value, ttl_seconds?}` per line), streamed: lines are parsed as
 * they arrive and written with at most IMPORT_CONCURRENCY writes in flight, so memory stays
 * bounded whatever the body size. A bad line is rejected with its line number and reason and
 * the import goes on. Writes draw on the tenant's write rate limit; when it is exhausted the
 * import waits for the next window instead of failing half-way.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import type { Tenant } from '@ringkv/db';
import { GatewayError } from '../errors/gateway-error';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { parseJsonBody } from '../http/json-body';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { parseImportLine, WriteInput } from './kv-request';
import type { ConsistencyName } from './kv.schemas';
import { KvService } from './kv.service';
import { ndjsonLines } from './ndjson-lines';

const IMPORT_CONCURRENCY = 64;
/** Reasons reported in the response; the counts stay exact beyond it. */
const MAX_REPORTED_REJECTIONS = 100;
/** Room for the key and the other members around the largest value. */
const LINE_OVERHEAD_BYTES = 8 * 1024;

export interface ImportReport {
  written: number;
  rejected: number;
  rejections: Array<{ line: number; error_code: string; message: string }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Injectable()
export class ImportService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly kv: KvService,
    private readonly rateLimits: RateLimitService,
  ) {}

  async import(tenant: Tenant, body: AsyncIterable<Buffer | string>, consistency: ConsistencyName | undefined): Promise<ImportReport> {
    const report: ImportReport = { written: 0, rejected: 0, rejections: [] };
    const reject = (line: number, code: string, message: string) => {
      report.rejected++;
      if (report.rejections.length < MAX_REPORTED_REJECTIONS) report.rejections.push({ line, error_code: code, message });
    };
    const inFlight = new Set<Promise<void>>();
    const maxLine = this.config.maxValueBytes + LINE_OVERHEAD_BYTES;
    for await (const entry of ndjsonLines(body, maxLine)) {
      if ('tooLong' in entry) {
        reject(entry.line, 'PAYLOAD_TOO_LARGE', `line is longer than ${maxLine} bytes`);
        continue;
      }
      let input: WriteInput;
      try {
        input = parseImportLine(parseJsonBody(entry.bytes), this.config.maxValueBytes);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        reject(entry.line, error.code, error.message);
        continue;
      }
      await this.admit(tenant);
      const write = this.kv
        .put(tenant, { ...input, consistency })
        .then(
          () => void report.written++,
          (error: unknown) => {
            if (!(error instanceof GatewayError)) throw error;
            reject(entry.line, error.code, error.message);
          },
        )
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
      if (inFlight.size >= IMPORT_CONCURRENCY) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    report.rejections.sort((a, b) => a.line - b.line);
    return report;
  }

  /** Waits until the tenant's write limit admits one more write. */
  private async admit(tenant: Tenant): Promise<void> {
    for (;;) {
      const decision = await this.rateLimits.consume(tenant.id, 'write', tenant.writeRateLimit);
      if (decision.allowed) return;
      await sleep(1000 - (Date.now() % 1000) + 5);
    }
  }
}
