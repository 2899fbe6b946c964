/**
 * One trace follows a request through every hop (SYSTEM.md §10): a client's W3C `traceparent`
 * reaches the gateway over HTTP, the coordinator over the gateway's session stream, and the
 * storage nodes over the coordinator's session streams. Processes export spans to their logs
 * (RINGKV_TRACES_EXPORTER=console), and the test looks for its trace id in each.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTenantWithKey, request } from '../support/gateway-client';
import { startTestCluster, TestCluster } from '../support/test-cluster';

describe('distributed tracing', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ portBase: 21_000, coordinators: 1, extraEnv: { RINGKV_TRACES_EXPORTER: 'console' } });
  });
  afterAll(() => cluster?.destroy());

  it('carries the client trace id from the gateway through the coordinator to every replica', async () => {
    const key = await createTenantWithKey(cluster.gatewayUrl, cluster.adminKey, 'traced', { replication_factor: 3 });
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const put = await request(cluster.gatewayUrl, 'POST', '/v1/key-value', {
      key,
      body: { key: 'k', value: 1, consistency: 'all' },
      headers: { traceparent },
    });
    expect(put.status).toBe(200);

    const logOf = (name: string) => readFileSync(join(cluster.logsDir, `${name}.log`), 'utf8');
    const deadline = Date.now() + 10_000;
    const names = ['gateway', 'coordinator-1', 'storage-node-1', 'storage-node-2', 'storage-node-3'];
    let missing = names;
    while (missing.length > 0 && Date.now() < deadline) {
      missing = names.filter((name) => !logOf(name).includes(traceId));
      if (missing.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(missing).toEqual([]);
  });
});
