import { planCluster } from './cluster-plan';

const base = {
  storageNodes: 3,
  coordinators: 2,
  dataDir: '/tmp/ringkv',
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/ringkv',
  redisUrl: 'redis://127.0.0.1:6379/0',
  redisPrefix: 'ringkv:',
  adminKey: 'k'.repeat(43),
  logLevel: 'info',
};

describe('planCluster', () => {
  it('lays out storage nodes, coordinators and the gateway in start order with distinct ports', () => {
    const plan = planCluster(base);
    expect(plan.map((p) => p.name)).toEqual([
      'storage-node-1',
      'storage-node-2',
      'storage-node-3',
      'coordinator-1',
      'coordinator-2',
      'gateway',
    ]);
    const ports = plan.flatMap((p) => [p.httpPort, p.grpcPort, p.respPort].filter((x) => x !== undefined));
    expect(new Set(ports).size).toBe(ports.length);
    expect(plan.at(-1)).toMatchObject({ httpPort: 8080, respPort: 6380 });
  });

  it('wires every coordinator to every storage node and the gateway to every coordinator', () => {
    const plan = planCluster({ ...base, portOffset: 1000 });
    const coordinator = plan.find((p) => p.name === 'coordinator-2')!;
    expect(coordinator.env['RINGKV_BOOTSTRAP_NODES']).toBe(
      'node-1@127.0.0.1:51061,node-2@127.0.0.1:51062,node-3@127.0.0.1:51063',
    );
    expect(plan.find((p) => p.name === 'gateway')!.env['RINGKV_COORDINATORS']).toBe(
      '127.0.0.1:51051,127.0.0.1:51052',
    );
    expect(plan.find((p) => p.name === 'storage-node-2')!.env['RINGKV_DATA_DIR']).toBe(
      '/tmp/ringkv/storage-node-2',
    );
  });

  it('refuses cluster sizes its port layout cannot hold', () => {
    expect(() => planCluster({ ...base, storageNodes: 0 })).toThrow(/storage nodes must be 1..9/);
    expect(() => planCluster({ ...base, coordinators: 10 })).toThrow(/coordinators must be 1..9/);
    expect(() => planCluster({ ...base, portOffset: 20_000 })).toThrow(/port offset must be 0..15466/);
    expect(() => planCluster({ ...base, portBase: 65_500 })).toThrow(/port base must be 1024..65486/);
    expect(() => planCluster({ ...base, portBase: 80 })).toThrow(/port base must be/);
    expect(() => planCluster({ ...base, portBase: 21_000, portOffset: 5 })).toThrow(/not both/);
  });

  it('keeps every port of a block layout inside its 50-port block', () => {
    const plan = planCluster({ ...base, storageNodes: 9, coordinators: 9, portBase: 21_000 });
    const ports = plan.flatMap((p) => [p.httpPort, p.grpcPort, p.respPort].filter((x) => x !== undefined));
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(21_000);
    expect(Math.max(...ports)).toBeLessThan(21_050);
    expect(plan.find((p) => p.name === 'gateway')!.env['RINGKV_COORDINATORS']).toMatch(
      /^127\.0\.0\.1:21010,127\.0\.0\.1:21011,/,
    );
  });
});
