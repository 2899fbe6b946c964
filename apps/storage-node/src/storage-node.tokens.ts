export const STORAGE_NODE_CONFIG = Symbol('ringkv.storage-node.config');
