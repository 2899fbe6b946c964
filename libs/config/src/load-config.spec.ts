import { ConfigError, coordinatorConfigSchema, gatewayConfigSchema, loadConfig, storageNodeConfigSchema } from './index';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig(gatewayConfigSchema, {});
    expect(config.http.port).toBe(8080);
    expect(config.resp.port).toBe(6380);
    expect(config.coordinators).toEqual(['127.0.0.1:50051']);
    expect(config.redis.keyPrefix).toBe('ringkv:');
  });

  it('coerces and validates environment strings', () => {
    const config = loadConfig(gatewayConfigSchema, {
      RINGKV_HTTP_PORT: '18080',
      RINGKV_COORDINATORS: '127.0.0.1:1, 127.0.0.1:2',
      RINGKV_LOG_LEVEL: 'debug',
    });
    expect(config.http.port).toBe(18080);
    expect(config.coordinators).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    expect(config.logLevel).toBe('debug');
  });

  it('reports every invalid variable by name at once', () => {
    let error: unknown;
    try {
      loadConfig(gatewayConfigSchema, { RINGKV_HTTP_PORT: 'eighty', RINGKV_RESP_PORT: '70000', REDIS_URL: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => i.env).sort();
    expect(issues).toEqual(['REDIS_URL', 'RINGKV_HTTP_PORT', 'RINGKV_RESP_PORT']);
    expect((error as ConfigError).message).toContain('RINGKV_HTTP_PORT');
    expect((error as ConfigError).message).toContain('"eighty"');
  });

  it('requires variables without a default', () => {
    expect(() => loadConfig(storageNodeConfigSchema, {})).toThrow(/RINGKV_NODE_ID: is required/);
    expect(loadConfig(storageNodeConfigSchema, { RINGKV_NODE_ID: 'node-1' }).nodeId).toBe('node-1');
  });

  it('never echoes a secret value in its error', () => {
    expect(() => loadConfig(gatewayConfigSchema, { RINGKV_ADMIN_KEY: 'short-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short-secret') }),
    );
  });

  it('parses bootstrap node lists and rejects malformed entries', () => {
    const ok = loadConfig(coordinatorConfigSchema, { RINGKV_BOOTSTRAP_NODES: 'n1@127.0.0.1:50052,n2@127.0.0.1:50053' });
    expect(ok.bootstrapNodes).toEqual(['n1@127.0.0.1:50052', 'n2@127.0.0.1:50053']);
    expect(() => loadConfig(coordinatorConfigSchema, { RINGKV_BOOTSTRAP_NODES: 'n1:50052' })).toThrow(
      /RINGKV_BOOTSTRAP_NODES/,
    );
  });
});
