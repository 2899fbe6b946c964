/**
 * Which methods each registered route answers, so that a request for a known path with the
 * wrong method gets 405 (with `Allow`) instead of a bare 404. Collected from Fastify's onRoute
 * hook, which must be installed before the routes are registered.
 */
import type { FastifyInstance } from 'fastify';

interface Route {
  pattern: RegExp;
  methods: Set<string>;
}

function toPattern(url: string): RegExp {
  const body = url
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

export class RouteTable {
  private readonly routes = new Map<string, Route>();

  install(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (options) => {
      const methods = Array.isArray(options.method) ? options.method : [options.method];
      let route = this.routes.get(options.url);
      if (!route) {
        route = { pattern: toPattern(options.url), methods: new Set() };
        this.routes.set(options.url, route);
      }
      for (const method of methods) route.methods.add(String(method).toUpperCase());
    });
  }

  /** Methods answered at this concrete path (empty: the path is unknown). */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(path)) route.methods.forEach((m) => allowed.add(m));
    }
    return [...allowed].sort();
  }
}
