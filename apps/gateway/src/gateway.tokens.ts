export const GATEWAY_CONFIG = Symbol('ringkv.gateway.config');
