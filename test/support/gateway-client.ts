/**
 * A small HTTP client for gateway tests: sends a request, parses the JSON answer when there is
 * one, and checks the error envelope that every failed request must carry (API.md).
 */
export interface GatewayResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

export interface RequestOptions {
  key?: string;
  tenant?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<GatewayResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['authorization'] = `Bearer ${options.key}`;
  if (options.tenant !== undefined) headers['x-tenant-id'] = options.tenant;
  let body: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Problems with an error response's envelope (empty when it is well-formed). */
export function envelopeProblems(response: GatewayResponse): string[] {
  const problems: string[] = [];
  const body = response.json;
  if (!body) return [`status ${response.status}: body is not JSON: ${response.text.slice(0, 100)}`];
  if (body['status'] !== 'error') problems.push('status is not "error"');
  if (typeof body['error_code'] !== 'string' || !/^[A-Z_]+$/.test(body['error_code'])) problems.push('bad error_code');
  if (typeof body['message'] !== 'string') problems.push('message is not a string');
  if (typeof body['request_id'] !== 'string' || body['request_id'] !== response.headers.get('x-request-id')) {
    problems.push('request_id does not match X-Request-Id');
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('application/json')) problems.push('content-type is not JSON');
  return problems;
}

export async function createTenantWithKey(baseUrl: string, adminKey: string, tenantId: string, settings: Record<string, unknown> = {}): Promise<string> {
  const created = await request(baseUrl, 'POST', '/v1/tenants', { key: adminKey, body: { tenant_id: tenantId, ...settings } });
  if (created.status !== 201) throw new Error(`creating tenant ${tenantId}: ${created.status} ${created.text}`);
  const key = await request(baseUrl, 'POST', `/v1/tenants/${tenantId}/api-keys`, { key: adminKey, body: {} });
  if (key.status !== 201) throw new Error(`creating a key for ${tenantId}: ${key.status} ${key.text}`);
  return key.json!['api_key'] as string;
}
