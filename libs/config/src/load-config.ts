/**
 * Parses an environment into a typed configuration object, once, at boot. Every setting is
 * checked before anything fails, so a misconfigured process reports all its problems at once.
 */
import { ConfigError, ConfigIssue } from './config-error';
import { ConfigOf, isSetting, SchemaTree, Setting } from './setting';

export type Environment = Readonly<Record<string, string | undefined>>;

export function loadConfig<S extends SchemaTree>(schema: S, env: Environment = process.env): ConfigOf<S> {
  const issues: ConfigIssue[] = [];
  const config = parseTree(schema, env, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return config as ConfigOf<S>;
}

function parseTree(tree: SchemaTree, env: Environment, issues: ConfigIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, node] of Object.entries(tree)) {
    out[name] = isSetting(node) ? parseSetting(node, env, issues) : parseTree(node, env, issues);
  }
  return out;
}

function parseSetting(setting: Setting<unknown>, env: Environment, issues: ConfigIssue[]): unknown {
  const raw = env[setting.env];
  if (raw === undefined || raw === '') {
    if (setting.default === undefined) issues.push({ env: setting.env, message: 'is required' });
    return setting.default;
  }
  const result = setting.schema.safeParse(raw);
  if (!result.success) {
    const shown = setting.secret ? '' : ` (got ${JSON.stringify(raw)})`;
    issues.push({ env: setting.env, message: result.error.issues.map((i) => i.message).join('; ') + shown });
    return undefined;
  }
  return result.data;
}

/** Every setting of a schema tree, in declaration order. */
export function listSettings(tree: SchemaTree): Setting<unknown>[] {
  return Object.values(tree).flatMap((node) => (isSetting(node) ? [node] : listSettings(node)));
}
