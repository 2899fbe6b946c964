/**
 * A real crash: a child Node process runs the engine on the real file system (NodeFileSystem,
 * batch sync mode, tables built by the table worker thread), prints the id of every batch whose
 * write resolved, and is killed with SIGKILL in the middle of its write stream. Reopening must
 * show every acknowledged batch, no half-written batch, and a prefix of the batch order. While
 * the child runs, its directory lock keeps this process out; after the kill, the stale lock does
 * not.
 *
 * The engine is compiled with swc into a temp dir for the child (the test process itself runs
 * the TypeScript sources through Jest; both read and write the same on-disk formats).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { StorageEngine } from '../src';
import { unionReconcile } from './support';

const repoRoot = path.resolve(__dirname, '../../..');
const libSrc = path.resolve(__dirname, '../src');

function findCompiledIndex(root: string): string {
  const stack = [root];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (name === 'storage-engine.js') return path.join(d, 'index.js');
    }
  }
  throw new Error(`compiled engine not found under ${root}`);
}

const DRIVER = `
const { StorageEngine, WriteBatch } = require(process.env.ENGINE_INDEX);
const union = (_k, existing, incoming) => {
  const s = new Set([...(existing ? existing.toString().split(',') : []), ...incoming.toString().split(',')]);
  s.delete('');
  return Buffer.from([...s].sort().join(','));
};
(async () => {
  const engine = await StorageEngine.open(process.argv[2], {
    reconcile: union, memtableBytes: 32 * 1024, commitLogSegmentBytes: 32 * 1024, compactionMinMergeWidth: 3,
  });
  process.stdout.write('ready\\n');
  let workerSeen = false;
  for (let i = 0; ; ) {
    if (!workerSeen && (engine.stats().tableWorker?.jobs ?? 0) > 0) {
      workerSeen = true;
      process.stdout.write('worker-used\\n');
    }
    const wave = [];
    for (let w = 0; w < 8; w++, i++) {
      const id = i;
      const b = new WriteBatch();
      for (let j = 0; j < 1 + (id % 4); j++) b.put('b' + id + '-' + j, 'v' + id + '-' + j + '-' + 'x'.repeat(id % 50));
      b.merge('members', 't' + id);
      wave.push(engine.write(b).then(() => process.stdout.write('ack ' + id + '\\n')));
    }
    await Promise.all(wave);
  }
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(3); });
`;

describe('real crash (SIGKILL of a child process)', () => {
  let work: string;
  let engineIndex: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'ringkv-crash-'));
    const rc = path.join(work, '.swcrc');
    writeFileSync(
      rc,
      JSON.stringify({
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      }),
    );
    execFileSync(
      path.join(repoRoot, 'node_modules/.bin/swc'),
      [libSrc, '-d', path.join(work, 'out'), '--config-file', rc, '--ignore', '**/*.spec.ts'],
      { cwd: repoRoot, stdio: 'pipe' },
    );
    engineIndex = findCompiledIndex(path.join(work, 'out'));
    writeFileSync(path.join(work, 'driver.js'), DRIVER);
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // The driver writes until it is killed: a failing or timed-out test must not leave it running.
  let running: ChildProcess | undefined;
  afterEach(async () => {
    const child = running;
    running = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  });

  it.each([1, 2])(
    'every acknowledged write survives SIGKILL (run %i)',
    async (run) => {
      const dataDir = path.join(work, `data-${run}`);
      const killAfter = 300 + run * 400;
      const acked = new Set<number>();
      let stderr = '';
      let workerUsed = false;
      let lockProbe: Promise<string> | undefined;
      let probeSettled = false;
      const exit = await new Promise<NodeJS.Signals | number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(work, 'driver.js'), dataDir], {
          env: { ...process.env, ENGINE_INDEX: engineIndex, NODE_PATH: path.join(repoRoot, 'node_modules') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        running = child;
        // Killed only once the lock probe has settled: it must see the live child's lock, not race
        // the kill (and its own open must not be cut short by the child's exit).
        const killWhenDone = () => {
          if (acked.size >= killAfter && probeSettled && !child.killed) child.kill('SIGKILL');
        };
        let buf = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.startsWith('ack ')) acked.add(Number(line.slice(4)));
            if (line === 'worker-used') workerUsed = true;
            if (acked.size >= 100 && !lockProbe) {
              lockProbe = StorageEngine.open(dataDir, { reconcile: unionReconcile })
                .then(
                  async (e) => {
                    await e.close();
                    return 'opened while the child held the directory';
                  },
                  (err: { code?: string }) => String(err.code),
                )
                .finally(() => {
                  probeSettled = true;
                  killWhenDone();
                });
            }
            killWhenDone();
          }
        });
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('exit', (code, signal) => resolve(signal ?? code));
      });
      expect({ exit, stderr }).toEqual({ exit: 'SIGKILL', stderr: '' });
      expect(await lockProbe).toBe('LOCKED');
      expect(workerUsed).toBe(true);
      expect(readdirSync(dataDir)).toContain('LOCK'); // left behind by the killed child

      const engine = await StorageEngine.open(dataDir, { reconcile: unionReconcile });
      const members = new Set((await engine.get('members'))?.toString().split(',') ?? []);
      const maxAcked = Math.max(...acked);
      let firstAbsent = -1;
      for (let i = 0; i <= maxAcked + 64; i++) {
        const found: boolean[] = [members.has(`t${i}`)];
        for (let j = 0; j < 1 + (i % 4); j++) {
          const v = (await engine.get(`b${i}-${j}`))?.toString();
          if (v !== undefined) expect(v).toBe(`v${i}-${j}-${'x'.repeat(i % 50)}`);
          found.push(v !== undefined);
        }
        const all = found.every(Boolean);
        expect({ i, atomic: all || found.every((f) => !f) }).toEqual({ i, atomic: true });
        if (acked.has(i)) expect({ i, ackedPresent: all }).toEqual({ i, ackedPresent: true });
        if (all) expect({ i, prefix: firstAbsent }).toEqual({ i, prefix: -1 });
        else if (firstAbsent < 0) firstAbsent = i;
      }
      expect(acked.size).toBeGreaterThanOrEqual(killAfter);
      await engine.close();
    },
    60_000,
  );
});
