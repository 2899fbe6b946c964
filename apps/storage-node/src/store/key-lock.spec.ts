import { KeyLock } from './key-lock';

describe('KeyLock', () => {
  it('runs tasks of one key one at a time, in arrival order, and forgets idle keys', async () => {
    const lock = new KeyLock();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await new Promise((r) => setImmediate(r));
      events.push(`end ${name}`);
    };
    await Promise.all([lock.run('k', task('1')), lock.run('k', task('2')), lock.run('k', task('3'))]);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(lock.size).toBe(0);
  });

  it('lets different keys run concurrently and releases after a failure', async () => {
    const lock = new KeyLock();
    const events: string[] = [];
    let releaseA!: () => void;
    const a = lock.run('a', () => new Promise<void>((r) => (releaseA = r)).then(() => void events.push('a done')));
    await lock.run('b', async () => void events.push('b done'));
    releaseA();
    await a;
    expect(events).toEqual(['b done', 'a done']);
    await expect(lock.run('c', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('c', async () => 'next')).resolves.toBe('next');
  });
});
