/**
 * Public entry point of @ringkv/cluster: the pure logic shared by the coordinator and the storage
 * node. Consumers import from here only.
 */
export * from './errors';
export * from './token';
export * from './token-range';
export * from './storage-key-format';
export * from './storage-key';
export * from './vector-clock';
export * from './object-format';
export { compareClockBytes, decodeClock, encodeClock } from './clock-codec';
export * from './versioned-object';
export * from './causal-history';
export { decodeObject, encodeObject, encodeVersion } from './object-codec';
export * from './object-merge';
export * from './write-coordination';
export * from './read-resolution';
export * from './context';
export * from './object-reconciler';
export * from './purge-filter';
export * from './storage-engine-rules';
export * from './token-assignment';
export * from './ring';
export * from './consistency';
export * from './put-core';
export * from './get-core';
export * from './merkle-tree';
