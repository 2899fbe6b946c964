export { planCluster, MAX_PER_KIND } from './cluster-plan';
export type { AppName, ClusterOptions, ProcessSpec } from './cluster-plan';
export { startLocalCluster } from './local-cluster';
export type { LocalCluster, LocalClusterOptions } from './local-cluster';
export { Supervisor, StartupError, describeExit, tail } from './supervisor';
export type { RunningProcess, SupervisorOptions } from './supervisor';
export {
  ensurePostgres,
  ensureRedis,
  ensureDatabase,
  dropDatabase,
  ServiceUnavailableError,
} from './local-services';
export { resolveAdminKey } from './admin-key';
export { findWorkspaceRoot, appEntry } from './workspace';
