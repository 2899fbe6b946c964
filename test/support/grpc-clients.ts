/**
 * Promise-shaped gRPC clients for tests: the coordinator's KV calls and a storage node's Get,
 * so tests can write through a coordinator and then look at what each replica holds.
 */
import { credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import { decodeObject, resolveRead, VersionedObject } from '@ringkv/cluster';
import { coordinatorV1, storageV1 } from '@ringkv/proto';

type Callback<T> = (error: ServiceError | null, value: T) => void;

function promisify<Req, Res>(
  method: (request: Req, metadata: Metadata, options: { deadline: number }, callback: Callback<Res>) => unknown,
  self: unknown,
  timeoutMs: number,
): (request: Req) => Promise<Res> {
  return (request) =>
    new Promise((resolve, reject) =>
      method.call(self, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error: ServiceError | null, value: Res) =>
        error ? reject(error) : resolve(value),
      ),
    );
}

export class CoordinatorTestClient {
  private readonly stub: coordinatorV1.CoordinatorServiceClient;
  readonly put: (r: Partial<coordinatorV1.PutRequest>) => Promise<coordinatorV1.PutResponse>;
  readonly get: (r: Partial<coordinatorV1.GetRequest>) => Promise<coordinatorV1.GetResponse>;
  readonly delete: (r: Partial<coordinatorV1.DeleteRequest>) => Promise<coordinatorV1.DeleteResponse>;
  readonly listNodes: () => Promise<coordinatorV1.ListNodesResponse>;

  constructor(port: number, timeoutMs = 10_000) {
    this.stub = new coordinatorV1.CoordinatorServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const put = promisify(this.stub.put, this.stub, timeoutMs);
    const get = promisify(this.stub.get, this.stub, timeoutMs);
    const del = promisify(this.stub.delete, this.stub, timeoutMs);
    this.put = (r) => put(coordinatorV1.PutRequest.fromPartial(r));
    this.get = (r) => get(coordinatorV1.GetRequest.fromPartial(r));
    this.delete = (r) => del(coordinatorV1.DeleteRequest.fromPartial(r));
    const list = promisify(this.stub.listNodes, this.stub, timeoutMs);
    this.listNodes = () => list({});
  }

  close(): void {
    this.stub.close();
  }
}

export class StorageTestClient {
  private readonly stub: storageV1.StorageServiceClient;
  private readonly rawGet: (r: storageV1.GetRequest) => Promise<storageV1.GetResponse>;

  constructor(port: number, timeoutMs = 5_000) {
    this.stub = new storageV1.StorageServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    this.rawGet = promisify(this.stub.get, this.stub, timeoutMs);
  }

  /** The replica's stored object for a key (undefined when it holds nothing). */
  async object(tenantId: string, key: string): Promise<VersionedObject | undefined> {
    const reply = await this.rawGet({ tenantId, key });
    return reply.found ? decodeObject(reply.object) : undefined;
  }

  /** What a ONE read served by this replica alone would return (LWW winner), as text. */
  async value(tenantId: string, key: string): Promise<string | undefined> {
    const read = resolveRead(await this.object(tenantId, key), Date.now(), 'lww');
    return read.found ? Buffer.from(read.value).toString() : undefined;
  }

  close(): void {
    this.stub.close();
  }
}

export const text = (value: Uint8Array) => Buffer.from(value).toString();
