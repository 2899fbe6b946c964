/**
 * A single configuration variable: the environment name it is read from, a description for the
 * generated docs, a default, and a zod schema that parses the raw string.
 *
 * Settings are grouped into plain nested objects ("schemas"); `ConfigOf<S>` turns such a tree
 * into the typed configuration object an app receives.
 */
import { z } from 'zod';

export interface Setting<T> {
  readonly kind: 'setting';
  /** Environment variable name, e.g. `RINGKV_HTTP_PORT`. */
  readonly env: string;
  /** One line for docs/configuration.md. */
  readonly description: string;
  /** Used when the variable is unset or empty; `undefined` means the variable is required. */
  readonly default: T | undefined;
  /** Parses the raw environment string. */
  readonly schema: z.ZodType<T>;
  /** Never printed (docs show only whether a default exists). */
  readonly secret: boolean;
}

export interface SettingSpec<T> {
  env: string;
  description: string;
  schema: z.ZodType<T>;
  default?: T;
  secret?: boolean;
}

export function setting<T>(spec: SettingSpec<T>): Setting<T> {
  return {
    kind: 'setting',
    env: spec.env,
    description: spec.description,
    default: spec.default,
    schema: spec.schema,
    secret: spec.secret ?? false,
  };
}

/** A tree of settings. */
export interface SchemaTree {
  readonly [name: string]: Setting<unknown> | SchemaTree;
}

/** The typed configuration object described by a schema tree. */
export type ConfigOf<S> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : ConfigOf<S[K]>;
};

export function isSetting(node: Setting<unknown> | SchemaTree): node is Setting<unknown> {
  return (node as Setting<unknown>).kind === 'setting';
}
