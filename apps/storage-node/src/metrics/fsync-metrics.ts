/** The commit-log fsync latency histogram fed by TimedFileSystem. */
import { counter, latencyHistogram } from '@ringkv/telemetry';
import type { SyncObserver } from './timed-file-system';

const fsyncDuration = latencyHistogram('ringkv_storage_commitlog_fsync_duration_seconds', 'Commit-log fsync latency.');
const fsyncFailures = counter('ringkv_storage_commitlog_fsync_failures', 'Commit-log fsyncs that failed.');

export const recordCommitLogSync: SyncObserver = (seconds, ok) => {
  fsyncDuration.record(seconds);
  if (!ok) fsyncFailures.add(1);
};
