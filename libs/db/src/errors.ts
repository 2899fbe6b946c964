/**
 * Typed errors of the metadata store. Every error carries a stable string `code`; the apps' edges
 * (HTTP exception filters, gRPC interceptors) map codes to statuses. Nothing here knows about HTTP.
 * Codes that appear in API.md (TENANT_EXISTS, NODE_NOT_FOUND, ...) keep the API's spelling so the
 * edge can pass them through unchanged.
 */
export type DbErrorCode =
  | 'TENANT_EXISTS'
  | 'TENANT_NOT_FOUND'
  /** An optimistic update named a version that is no longer current. */
  | 'TENANT_VERSION_CONFLICT'
  | 'API_KEY_EXISTS'
  | 'API_KEY_NOT_FOUND'
  | 'NODE_EXISTS'
  | 'NODE_NOT_FOUND'
  /** A node state change found the node in a state the caller did not expect. */
  | 'NODE_STATE_CONFLICT'
  /** A ring token is already owned by another node. */
  | 'TOKEN_CONFLICT'
  /** A topology change (an API "migration") does not exist. */
  | 'MIGRATION_NOT_FOUND'
  /** A topology change cannot move from its current state to the requested one. */
  | 'INVALID_STATE_TRANSITION'
  /** A CHECK constraint rejected a replication factor. */
  | 'INVALID_REPLICATION_FACTOR'
  /** A CHECK constraint rejected a node's id, address, port or virtual node count. */
  | 'INVALID_NODE_CONFIG'
  /** Any other CHECK / NOT NULL constraint rejected the input. */
  | 'INVALID_ARGUMENT'
  /** A schema migration failed; the database is left at the last successful one. */
  | 'SCHEMA_MIGRATION_FAILED';

export class DbError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class TenantExistsError extends DbError {
  constructor(readonly tenantId: string, options?: { cause?: unknown }) {
    super('TENANT_EXISTS', `tenant ${tenantId} already exists`, options);
  }
}

export class TenantNotFoundError extends DbError {
  constructor(readonly tenantId: string) {
    super('TENANT_NOT_FOUND', `tenant ${tenantId} not found`);
  }
}

export class TenantVersionConflictError extends DbError {
  constructor(
    readonly tenantId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      'TENANT_VERSION_CONFLICT',
      `tenant ${tenantId} is at version ${actualVersion}, the update expected ${expectedVersion}`,
    );
  }
}

export class ApiKeyExistsError extends DbError {
  constructor(readonly keyId: string, options?: { cause?: unknown }) {
    super('API_KEY_EXISTS', `an API key with id ${keyId} or the same secret hash already exists`, options);
  }
}

export class ApiKeyNotFoundError extends DbError {
  constructor(readonly keyId: string) {
    super('API_KEY_NOT_FOUND', `API key ${keyId} not found`);
  }
}

export class NodeExistsError extends DbError {
  constructor(readonly nodeId: string, detail = `node ${nodeId} already exists`, options?: { cause?: unknown }) {
    super('NODE_EXISTS', detail, options);
  }
}

export class NodeNotFoundError extends DbError {
  constructor(readonly nodeId: string) {
    super('NODE_NOT_FOUND', `storage node ${nodeId} not found`);
  }
}

export class NodeStateConflictError extends DbError {
  constructor(
    readonly nodeId: string,
    readonly actualState: string,
    readonly requestedState: string,
  ) {
    super('NODE_STATE_CONFLICT', `storage node ${nodeId} is ${actualState}; cannot move it to ${requestedState}`);
  }
}

export class TokenConflictError extends DbError {
  constructor(readonly nodeId: string, options?: { cause?: unknown }) {
    super('TOKEN_CONFLICT', `a token given to node ${nodeId} is already owned by another node`, options);
  }
}

export class MigrationNotFoundError extends DbError {
  constructor(readonly migrationId: string) {
    super('MIGRATION_NOT_FOUND', `migration ${migrationId} not found`);
  }
}

export class InvalidStateTransitionError extends DbError {
  constructor(
    readonly entityId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super('INVALID_STATE_TRANSITION', `${entityId} cannot move from ${from} to ${to}`);
  }
}

/** A CHECK or NOT NULL constraint rejected a row; `constraint` names the SQL constraint. */
export class DbValidationError extends DbError {
  constructor(
    code: 'INVALID_REPLICATION_FACTOR' | 'INVALID_NODE_CONFIG' | 'INVALID_ARGUMENT',
    readonly constraint: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export class SchemaMigrationError extends DbError {
  constructor(readonly migrationName: string | undefined, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      'SCHEMA_MIGRATION_FAILED',
      migrationName ? `schema migration ${migrationName} failed${reason}` : `schema migrations failed${reason}`,
      options,
    );
  }
}
