/** Injection tokens for what every RingKV process provides to its modules. */
export const TELEMETRY = Symbol('ringkv.telemetry');
export const LOGGER = Symbol('ringkv.logger');
