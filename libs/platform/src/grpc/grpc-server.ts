/**
 * A grpc-js server owned by a Nest app. Services are registered with the typed definitions and
 * handler interfaces generated from proto/ (a proto change that a handler no longer matches
 * fails to compile). The server starts after the app's modules are initialised (so it never
 * serves before the process is ready) and drains on shutdown: in-flight calls get until the
 * deadline, then the rest are cancelled.
 */
import { Server, ServerCredentials, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '@ringkv/telemetry';
import { drainSessions } from '../session/session-server';

export interface GrpcServerOptions {
  host: string;
  port: number;
  /** Largest message accepted or sent (batches of values up to 1 MiB each need room). */
  maxMessageBytes?: number;
}

export class GrpcServer {
  private readonly server: Server;
  private boundPort: number | undefined;

  constructor(
    private readonly options: GrpcServerOptions,
    private readonly logger: Logger,
  ) {
    const max = options.maxMessageBytes ?? 64 * 1024 * 1024;
    this.server = new Server({
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      // Long-lived session streams: keep idle connections alive and detect dead peers.
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    });
  }

  addService<T extends UntypedServiceImplementation>(definition: ServiceDefinition<T>, implementation: T): void {
    this.server.addService(definition, implementation);
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  async listen(): Promise<number> {
    const address = `${this.options.host}:${this.options.port}`;
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(new Error(`cannot listen for gRPC on ${address}: ${error.message}`)) : resolve(port),
      ),
    );
    this.logger.info({ address, port: this.boundPort }, 'gRPC server listening');
    return this.boundPort;
  }

  /** Stops accepting calls, waits for in-flight ones up to `timeoutMs`, then cancels the rest. */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.boundPort === undefined) return;
    this.boundPort = undefined;
    drainSessions();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn('gRPC calls still running at the shutdown deadline; cancelling them');
        this.server.forceShutdown();
        resolve();
      }, timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
