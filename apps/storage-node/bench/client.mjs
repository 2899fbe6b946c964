// The load generator of the storage node benchmark (started by run.mjs in its own process).
// For each (op, transport) pair it keeps BENCH_IN_FLIGHT requests in flight for BENCH_SECONDS
// (after a 1 s warm-up) and reports throughput and latency percentiles as JSON on stdout.
// It uses the built workspace (dist/storage-node): generated gRPC client, SessionClient, codec.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const dist = path.resolve(process.cwd(), 'dist/storage-node/libs');
const { credentials } = require('@grpc/grpc-js');
const { storageV1 } = require(path.join(dist, 'proto/src/index.js'));
const { SessionClient } = require(path.join(dist, 'platform/src/session/session-client.js'));
const { encodeObject, makeClock } = require(path.join(dist, 'cluster/src/index.js'));

const target = process.env.BENCH_TARGET;
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 64);
const KEYS = 20_000;
const value = Buffer.from(JSON.stringify('x'.repeat(98))); // 100 bytes
if (value.length !== 100) throw new Error('value must be 100 bytes');

const stub = new storageV1.StorageServiceClient(target, credentials.createInsecure(), {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
});
const session = new SessionClient(() => stub.session(), target);

// Apply objects are encoded before the timed run, so the client spends its CPU on the calls:
// each key gets increasingly newer versions (the counter grows), so every Apply is a real merge.
const POOL = 300_000;
const applyPool = Array.from({ length: POOL }, (_, i) => ({
  tenantId: 'bench',
  key: `key-${i % KEYS}`,
  object: encodeObject({
    versions: [{ clock: makeClock({ 'bench-writer': 1 + Math.floor(i / KEYS) }), value, writtenAt: 1_700_000_000_000 + i, actor: 'bench-writer' }],
  }),
}));
let applied = 0;
const applyRequest = () => applyPool[applied++ % POOL];
const getRequest = (i) => ({ tenantId: 'bench', key: `key-${i % KEYS}` });
// Coordinate: the node reads the key, increments its own clock entry and persists (a fresh key
// set, so each write is one version, as a client writing with its last context would produce).
const coordinateRequest = (i) => ({
  tenantId: 'bench',
  key: `coordinated-${i % KEYS}`,
  value,
  tombstone: false,
  context: Buffer.alloc(0),
  ttlSeconds: 0,
  supersedeExisting: true,
});

const unaryCall = (method) => (request) =>
  new Promise((resolve, reject) => stub[method](request, (error, response) => (error ? reject(error) : resolve(response))));
const sessionCall = ($case) => (request) => session.call({ $case, value: request }, 10_000);

const scenarios = [
  { op: 'Apply', transport: 'unary', make: applyRequest, send: unaryCall('apply') },
  { op: 'Apply', transport: 'Session', make: applyRequest, send: sessionCall('apply') },
  { op: 'Get', transport: 'unary', make: getRequest, send: unaryCall('get') },
  { op: 'Get', transport: 'Session', make: getRequest, send: sessionCall('get') },
  { op: 'Coordinate', transport: 'unary', make: coordinateRequest, send: unaryCall('coordinate') },
  { op: 'Coordinate', transport: 'Session', make: coordinateRequest, send: sessionCall('coordinate') },
];

async function run(scenario, durationMs, record) {
  const deadline = performance.now() + durationMs;
  const latencies = [];
  let done = 0;
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const request = scenario.make(next++);
      const start = performance.now();
      try {
        await scenario.send(request);
        done += 1;
        if (record) latencies.push(performance.now() - start);
      } catch {
        errors += 1;
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0;
  return { op: scenario.op, transport: scenario.transport, opsPerSecond: done / elapsed, p50Ms: pct(50), p99Ms: pct(99), errors };
}

// BENCH_ONLY="Apply Session" runs one row (for profiling).
const only = process.env.BENCH_ONLY;
const results = [];
for (const scenario of scenarios.filter((s) => !only || `${s.op} ${s.transport}` === only)) {
  await run(scenario, 1_000, false);
  results.push(await run(scenario, seconds * 1_000, true));
  process.stderr.write(`${scenario.op} ${scenario.transport}: ${Math.round(results.at(-1).opsPerSecond)} ops/s\n`);
}
session.close();
stub.close();
process.stdout.write(JSON.stringify(results));
