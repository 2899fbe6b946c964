/**
 * The boot-time entry point of every app: parse the environment, or print every problem (with
 * the variable it came from) to stderr and exit with status 78 (EX_CONFIG) before anything else
 * starts.
 */
import { ConfigError } from './config-error';
import { Environment, loadConfig } from './load-config';
import { ConfigOf, SchemaTree } from './setting';

export const EXIT_CONFIG_ERROR = 78;

export function loadConfigOrExit<S extends SchemaTree>(
  schema: S,
  appName: string,
  env: Environment = process.env,
): ConfigOf<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ringkv ${appName}: ${error.message}\n`);
    process.exit(EXIT_CONFIG_ERROR);
  }
}
