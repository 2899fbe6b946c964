export const COORDINATOR_CONFIG = Symbol('ringkv.coordinator.config');
