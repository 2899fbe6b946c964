/** The I/O the KV service drives, bundled under one injection token (see replica-ports.ts). */
import type { HintSink, Liveness, ReplicaTransport } from './replica-ports';

export interface KvDeps {
  transport: ReplicaTransport;
  liveness: Liveness;
  hints: HintSink;
  onBackgroundError: (error: unknown) => void;
}

export const KV_DEPS = Symbol('ringkv.coordinator.kv-deps');
