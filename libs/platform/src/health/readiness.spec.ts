import { Readiness } from './readiness';

describe('Readiness', () => {
  it('is ready only when every check passes, and names the failing ones', async () => {
    const readiness = new Readiness();
    let replayed = false;
    readiness.register('commit-log', () => {
      if (!replayed) throw new Error('commit log not replayed yet');
    });
    readiness.register('disk', async () => undefined);

    expect(await readiness.report()).toEqual({
      ready: false,
      checks: { 'commit-log': 'commit log not replayed yet', disk: 'ok' },
    });
    replayed = true;
    expect(await readiness.report()).toEqual({ ready: true, checks: { 'commit-log': 'ok', disk: 'ok' } });
  });

  it('treats a check that hangs as failing instead of hanging the probe', async () => {
    const readiness = new Readiness();
    readiness.register('postgres', () => new Promise(() => undefined));
    const report = await readiness.report(20);
    expect(report.ready).toBe(false);
    expect(report.checks['postgres']).toMatch(/timed out/);
  });

  it('reports not ready once draining for shutdown', async () => {
    const readiness = new Readiness();
    readiness.markDraining();
    expect(await readiness.report()).toEqual({ ready: false, checks: { shutdown: 'draining' } });
  });
});
