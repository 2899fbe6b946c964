/**
 * Readiness: named checks that must all pass before a process takes traffic. Apps register
 * checks at boot (commit log replayed, ring loaded, PostgreSQL reachable...). `/health/ready`
 * runs them; liveness never does (a slow dependency must not get a live process killed).
 */
export type ReadinessCheck = () => Promise<void> | void;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  /** A check throws (or rejects) with a message saying what is wrong. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Called on SIGTERM: the process reports not-ready so load balancers stop sending work. */
  markDraining(): void {
    this.draining = true;
  }

  async report(timeoutMs = 1_000): Promise<ReadinessReport> {
    const checks: Record<string, string> = {};
    if (this.draining) checks['shutdown'] = 'draining';
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        checks[name] = await runWithTimeout(check, timeoutMs);
      }),
    );
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  }
}

async function runWithTimeout(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(check),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
