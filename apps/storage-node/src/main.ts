/** Storage node entry point: configuration first (fail fast), then telemetry, then the app. */
import { loadConfigOrExit, storageNodeConfigSchema } from '@ringkv/config';
import { startInstrumented } from '@ringkv/telemetry';

startInstrumented(loadConfigOrExit(storageNodeConfigSchema, 'storage-node'), () => import('./bootstrap'));
