import { coordinateInput, objectBytes, openTestStore, TestStore, valuesOf } from '../../test/store-fixtures';

describe('VersionedStore under disk pressure', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore({ minFreeBytes: 1_000_000n });
  });
  afterEach(() => t.store.close());

  it('refuses writes with DISK_FULL below the free-space floor, keeps serving reads, and recovers', async () => {
    await t.store.coordinate(coordinateInput({ value: '"before"' }));
    t.disk.free = 999_999n;
    await t.store.disk.check();

    await expect(t.store.coordinate(coordinateInput({ key: 'other' }))).rejects.toMatchObject({ code: 'DISK_FULL' });
    await expect(t.store.apply('acme', 'other', objectBytes([{ clock: { 'node-b': 1 } }]))).rejects.toMatchObject({ code: 'DISK_FULL' });
    await expect(t.store.ingest([{ tenantId: 'acme', key: 'other', object: objectBytes([{ clock: { 'node-b': 1 } }]) }])).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
    expect(valuesOf(await t.store.get('acme', 'k'))).toEqual(['"before"']);
    expect(await t.store.get('acme', 'other')).toBeUndefined();
    expect((await t.store.stats()).diskFull).toBe(true);

    t.disk.free = 5_000_000n;
    await t.store.disk.check();
    await t.store.coordinate(coordinateInput({ key: 'other', value: '"after"' }));
    expect(valuesOf(await t.store.get('acme', 'other'))).toEqual(['"after"']);
  });

  it('turns ENOSPC from the engine into DISK_FULL, then reopens the engine once space is back', async () => {
    await t.store.coordinate(coordinateInput({ value: '"acknowledged"' }));
    t.fs.setSpaceBudget(8);
    await expect(t.store.coordinate(coordinateInput({ key: 'big', value: '"does not fit"' }))).rejects.toMatchObject({ code: 'DISK_FULL' });
    // Sticky: later writes fail fast without touching the disk, reads go on.
    await expect(t.store.apply('acme', 'x', objectBytes([{ clock: { 'node-b': 1 } }]))).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(valuesOf(await t.store.get('acme', 'k'))).toEqual(['"acknowledged"']);

    t.fs.clearFaults();
    await t.store.disk.check();
    await t.store.coordinate(coordinateInput({ key: 'later', value: '"works"' }));
    expect(valuesOf(await t.store.get('acme', 'later'))).toEqual(['"works"']);
    expect(valuesOf(await t.store.get('acme', 'k'))).toEqual(['"acknowledged"']);
  });
});
