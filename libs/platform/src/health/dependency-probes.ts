/** Registers dependency checks with readiness and closes their probe connections at shutdown. */
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DependencyCheck } from './dependency-checks';
import { Readiness } from './readiness';

@Injectable()
export class DependencyProbes implements OnApplicationShutdown {
  private readonly probes: DependencyCheck[] = [];

  constructor(private readonly readiness: Readiness) {}

  add(name: string, probe: DependencyCheck): void {
    this.probes.push(probe);
    this.readiness.register(name, probe.check);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.probes.map((p) => p.close()));
  }
}
