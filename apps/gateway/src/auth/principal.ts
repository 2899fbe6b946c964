/** Who is calling: the bootstrap admin key, a stored admin key, or a tenant's key. */
export type Principal =
  { kind: 'admin'; keyId: string | undefined } | { kind: 'tenant'; tenantId: string; keyId: string };
