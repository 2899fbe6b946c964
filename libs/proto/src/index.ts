/**
 * gRPC contracts generated from proto/ by `nx run proto:generate` (buf + ts-proto). The
 * generated files are build output, not committed: a changed .proto regenerates them and any
 * code that no longer matches fails to compile.
 */
export * as storageV1 from './generated/ringkv/storage/v1/storage';
export * as coordinatorV1 from './generated/ringkv/coordinator/v1/coordinator';
