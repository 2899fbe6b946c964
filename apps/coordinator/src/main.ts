/** Coordinator entry point: configuration first (fail fast), then telemetry, then the app. */
import { loadConfigOrExit, coordinatorConfigSchema } from '@ringkv/config';
import { startInstrumented } from '@ringkv/telemetry';

startInstrumented(loadConfigOrExit(coordinatorConfigSchema, 'coordinator'), () => import('./bootstrap'));
