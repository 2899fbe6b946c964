/**
 * Polls `condition` until it holds, for tests that must observe another session reaching a state
 * (e.g. blocked on a lock). Fails after `attempts` polls; it never asserts on elapsed time.
 */
export async function waitFor(condition: () => Promise<boolean>, attempts = 1000, pauseMs = 10): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error('condition not reached');
}

/** A promise plus its resolve function, to hold a callback open until the test releases it. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
