/**
 * The local cluster as `npm start` runs it: every process becomes ready, serves health and
 * metrics, and stops cleanly on SIGTERM.
 */
import { startTestCluster, TestCluster } from '../support/test-cluster';

describe('local cluster', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ portBase: 21_200 });
  });
  afterAll(() => cluster?.destroy());

  it('starts 3 storage nodes, 2 coordinators and a gateway that all report ready', async () => {
    expect(cluster.plan.map((p) => p.app).sort()).toEqual([
      'coordinator',
      'coordinator',
      'gateway',
      'storage-node',
      'storage-node',
      'storage-node',
    ]);
    for (const p of cluster.plan) {
      const live = await fetch(`http://127.0.0.1:${p.httpPort}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${p.httpPort}/health/ready`);
      expect({ name: p.name, status: ready.status }).toEqual({ name: p.name, status: 200 });
    }
    const gateway = (await (await fetch(`${cluster.gatewayUrl}/health/ready`)).json()) as { checks: unknown };
    expect(gateway.checks).toEqual({ postgres: 'ok', redis: 'ok', coordinators: 'ok' });
  });

  it('exposes Prometheus metrics on every process, including its own HTTP traffic', async () => {
    for (const p of cluster.plan) {
      await fetch(`http://127.0.0.1:${p.httpPort}/health/live`);
      const response = await fetch(`http://127.0.0.1:${p.httpPort}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      expect(text).toContain(`target_info{service_name="${p.name}"}`);
      expect(text).toMatch(/^ringkv_http_requests_total\{route="\/health\/live",method="GET",status="200"\} \d+/m);
      expect(text).toMatch(/^ringkv_http_request_duration_seconds_bucket\{/m);
    }
  });

  it('marks a node not ready and stops it cleanly on SIGTERM', async () => {
    const node = cluster.process('storage-node-3');
    await cluster.supervisor.stop(node, 'SIGTERM');
    expect(node.exitCode).toBe(0);
    await expect(fetch(`http://127.0.0.1:${node.spec.httpPort}/health/live`)).rejects.toThrow();
  });
});
