/**
 * GET <base>/docs: the API reference page (Swagger UI), one entry per published document in its selector, with
 * "try it" against this same server. Outside the contract, like the operator routes: the page and its assets are
 * not operations of any API. Swagger UI's files are served from the package, never from a CDN, so the page works
 * on a closed network and its CSP can allow this origin only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestHandler, Router } from 'express';
import * as yaml from 'js-yaml';
import type { Json } from '../../lib/json.js';
import { createRouter } from '../routing.js';

export interface PublishedDocument {
  /** The selector's label. */
  name: string;
  /** The file name under <base>/docs/. */
  file: string;
  swagger: Json;
}

const OPENAPI_DIR = fileURLToPath(new URL('../../../openapi/', import.meta.url));

const read = new Map<string, Json>();

/** Read once per process: tests compose many apps. */
function readSwagger(file: string): Json {
  if (!read.has(file)) read.set(file, yaml.load(readFileSync(path.join(OPENAPI_DIR, file), 'utf8')) as Json);
  return read.get(file)!;
}

/** Barong publishes one Swagger document per API; the user APIs (identity, resource, public) share one. */
export function publishedDocuments(barong: Json): PublishedDocument[] {
  return [
    { name: 'identity, resource, public', file: 'barong.json', swagger: barong },
    { name: 'admin', file: 'admin.json', swagger: readSwagger('admin.yaml') },
    { name: 'management', file: 'management.json', swagger: readSwagger('management.yaml') },
  ];
}

/**
 * Without `host` and `schemes`, Swagger UI sends "try it" to the origin that served the page: `schemes: [http]`
 * would make a page served over https call plain http, which the browser blocks.
 */
function forThisOrigin(swagger: Json): Json {
  const { host: _host, schemes: _schemes, ...rest } = swagger;
  return rest;
}

// Swagger UI sets inline styles on its elements and inlines its icons as data: URIs; scripts come from here only.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
  next();
};

/** Only the bundle's files the page loads; its own index and petstore initializer stay unserved. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
  'swagger-ui-standalone-preset.js': 'text/javascript',
  'favicon-32x32.png': 'image/png',
};

const ASSET_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

function pageHtml(docsBase: string): string {
  const asset = (name: string) => `${docsBase}/assets/${name}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Barong API reference</title>
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('swagger-ui-standalone-preset.js')}"></script>
<script src="${docsBase}/init.js"></script>
</body>
</html>
`;
}

function initScript(docsBase: string, documents: PublishedDocument[]): string {
  const urls = documents.map((d) => ({ url: `${docsBase}/${d.file}`, name: d.name }));
  return `window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(urls)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayOperationId: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;
}

export function createDocsPage(basePath: string, documents: PublishedDocument[]): Router {
  const docsBase = `${basePath}/docs`;
  const html = pageHtml(docsBase);
  const init = initScript(docsBase, documents);
  const router = createRouter();
  router.use(docsBase, securityHeaders);
  router.get(docsBase, (_req, res) => {
    res.type('html').send(html);
  });
  router.get(`${docsBase}/init.js`, (_req, res) => {
    res.type('text/javascript').send(init);
  });
  for (const doc of documents) {
    const body = forThisOrigin(doc.swagger);
    router.get(`${docsBase}/${doc.file}`, (_req, res) => {
      res.json(body);
    });
  }
  for (const [name, type] of Object.entries(ASSETS)) {
    router.get(`${docsBase}/assets/${name}`, (_req, res) => {
      res.type(type).sendFile(path.join(ASSET_DIR, name), { maxAge: '1h' });
    });
  }
  return router;
}
