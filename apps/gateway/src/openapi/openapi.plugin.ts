/**
 * Serves the OpenAPI document at /docs/json and an interactive UI at /docs (both public: they
 * describe the API and expose no data). The UI is swagger-ui-dist's static bundle, served from
 * the installed package, so /docs works without internet access.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildOpenApiDocument } from './openapi-document';

const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>RingKV API</title>
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/static/favicon-32x32.png">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script src="/docs/static/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// Separate file rather than inline script, so a strict Content-Security-Policy can allow 'self' only.
const INIT = `window.ui = SwaggerUIBundle({ url: '/docs/json', dom_id: '#ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
`;

export function registerOpenApi(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const document = JSON.stringify(buildOpenApiDocument('1'));
  const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();

  fastify.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  fastify.get('/docs/init.js', async (_request, reply) => reply.type('application/javascript; charset=utf-8').send(INIT));
  fastify.get('/docs/json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
  fastify.get<{ Params: { file: string } }>('/docs/static/:file', async (request, reply) => {
    const type = ASSETS[request.params.file];
    if (type === undefined) return reply.code(404).type('text/plain').send('not found');
    let content = cache.get(request.params.file);
    if (!content) {
      content = await readFile(join(assetsDir, request.params.file));
      cache.set(request.params.file, content);
    }
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(content);
  });
}
