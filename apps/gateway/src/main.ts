/** Gateway entry point: configuration first (fail fast), then telemetry, then the app. */
import { loadConfigOrExit, gatewayConfigSchema } from '@ringkv/config';
import { startInstrumented } from '@ringkv/telemetry';

startInstrumented(loadConfigOrExit(gatewayConfigSchema, 'gateway'), () => import('./bootstrap'));
