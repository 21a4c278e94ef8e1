import { Router } from 'express';
import { z } from 'zod';
import { ErrorCode, PROTOCOL_VERSION, commandSchemas, factSchemas } from '@rally/shared';
import { REST_ROUTES, type RouteAuth, type RouteDoc } from './api-routes.js';
import { DOCS_PAGE_HTML, DOCS_PAGE_SCRIPT } from './api-docs-page.js';

/**
 * [OPS80]–[OPS86] Machine-readable descriptions of Rally's two protocols, generated from the zod
 * schemas the server validates with (never written by hand, so they cannot drift from the code):
 * the REST API as OpenAPI 3.1, the socket protocol as AsyncAPI 3.0.
 */

type Json = Record<string, unknown>;

/**
 * JSON Schema of what a client sends (`io: 'input'`: defaults are optional, transforms are
 * described by what they accept) or what it receives (`output`). Refinements and transforms have no
 * JSON Schema form: `unrepresentable: 'any'` leaves them out rather than failing, and the server's
 * own check still applies ([OPS83]).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete s.$schema;
  return s;
}

const ErrorBody = z.object({
  error: z.object({ code: z.enum(Object.values(ErrorCode) as [string, ...string[]]), message: z.string() }),
});

const AUTH_TEXT: Record<RouteAuth, string> = {
  none: 'No authentication.',
  admin: 'Organiser only: `Authorization: Bearer <ADMIN_TOKEN>`.',
  staff: "The organiser's ADMIN_TOKEN or a token of one of this event's moderators (`Authorization: Bearer <token>`).",
  livekit: "LiveKit's signed webhook (`Authorization`: a JWT signed with LIVEKIT_API_SECRET).",
};

/** `/api/events/:id` → `/api/events/{id}` */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z_]+)/g, '{$1}');
const pathParams = (expressPath: string) => [...expressPath.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);

/** Query parameters from a zod object schema's JSON Schema (one parameter per property). */
function queryParams(query: z.ZodType): Json[] {
  const s = jsonSchemaOf(query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: (s.required ?? []).includes(name), schema }));
}

function operation(route: RouteDoc): Json {
  const op: Json = {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    description: AUTH_TEXT[route.auth],
    'x-rally-auth': route.auth,
  };
  if (route.auth === 'admin' || route.auth === 'staff') op.security = [{ bearer: [] }];
  const parameters = [
    ...pathParams(route.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(route.query ? queryParams(route.query) : []),
  ];
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body || route.fileBody) {
    const content: Json = {};
    if (route.body) content['application/json'] = { schema: jsonSchemaOf(route.body, 'input') };
    for (const type of route.fileBody ?? []) if (!content[type]) content[type] = { schema: { type: 'string' } };
    op.requestBody = { required: true, content };
  }
  const ok: Json = { description: route.responseNote ?? 'Success' };
  if (route.response) ok.content = { 'application/json': { schema: jsonSchemaOf(route.response, 'output') } };
  else if (route.produces) ok.content = { [route.produces]: { schema: { type: 'string' } } };
  const error = { description: 'A typed error: nothing was changed', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  op.responses = { [String(route.status ?? 200)]: ok, '4XX': error, '5XX': error };
  return op;
}

/** [OPS80] The REST API as OpenAPI 3.1: every route of REST_ROUTES. */
export function openApiDocument(publicUrl?: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of REST_ROUTES) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rally REST API',
      version: String(PROTOCOL_VERSION),
      description:
        'Generated from the zod schemas the server validates every request with. Bodies are strict: an unknown field is a 400 BAD_REQUEST. ' +
        'Errors are `{ error: { code, message } }`. The socket protocol is described by /api/asyncapi.json; docs/PROTOCOL.md explains both.',
    },
    servers: [{ url: publicUrl ?? '/' }],
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(ErrorBody, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN, or a participant token from POST /api/join (moderators, for staff routes)' } },
    },
  };
}

const AckSchema: Json = {
  oneOf: [
    { type: 'object', properties: { ok: { const: true }, data: { description: 'The command\'s result (CommandResults in shared/src/commands.ts)' } }, required: ['ok', 'data'] },
    { type: 'object', properties: { ok: { const: false }, error: jsonSchemaOf(ErrorBody.shape.error, 'output') }, required: ['ok', 'error'] },
  ],
};

/** AsyncAPI keys allow `[A-Za-z0-9._-]`: `poll:vote` → `poll.vote`. */
export const asyncApiKey = (name: string) => name.replace(/:/g, '.');

/**
 * [OPS81] The socket protocol as AsyncAPI 3.0: one channel per Socket.IO event name, a `send`
 * operation with an ack reply per command, a `receive` operation per fact.
 */
export function asyncApiDocument(publicUrl = 'http://localhost:3000'): Json {
  const url = new URL(publicUrl);
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const messages: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(commandSchemas)) {
    const key = asyncApiKey(name);
    messages[key] = { name, title: name, contentType: 'application/json', payload: jsonSchemaOf(schema as z.ZodType, 'input') };
    messages[`${key}.ack`] = { name: `${name} ack`, contentType: 'application/json', payload: AckSchema };
    channels[key] = {
      address: name,
      messages: { command: { $ref: `#/components/messages/${key}` }, ack: { $ref: `#/components/messages/${key}.ack` } },
    };
    operations[`send.${key}`] = {
      action: 'send',
      title: name,
      'x-rally-kind': 'command',
      channel: { $ref: `#/channels/${key}` },
      messages: [{ $ref: `#/channels/${key}/messages/command` }],
      reply: { channel: { $ref: `#/channels/${key}` }, messages: [{ $ref: `#/channels/${key}/messages/ack` }] },
    };
  }
  for (const [name, schema] of Object.entries(factSchemas)) {
    const key = asyncApiKey(name);
    // A name may be both a command and a fact only if shared/ says so; keep them apart.
    const id = channels[key] ? `fact.${key}` : key;
    messages[id] = { name, title: name, contentType: 'application/json', payload: jsonSchemaOf(schema as z.ZodType, 'output') };
    channels[id] = { address: name, messages: { fact: { $ref: `#/components/messages/${id}` } } };
    operations[`receive.${id}`] = {
      action: 'receive',
      title: name,
      'x-rally-kind': 'fact',
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/fact` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Rally socket protocol',
      version: String(PROTOCOL_VERSION),
      description:
        'Socket.IO (v4) events, generated from the zod schemas the server validates with. Connect with ' +
        `\`auth: { token, protocolVersion: ${PROTOCOL_VERSION} }\` (token from POST /api/join). ` +
        'Commands are emitted with an ack callback and answered `{ ok: true, data }` or `{ ok: false, error: { code, message } }`; ' +
        'every command carries `id`, a client-generated command id (a retry with the same id is applied once). Facts arrive as events; the first is always `snapshot`.',
    },
    defaultContentType: 'application/json',
    servers: {
      rally: { host: url.host, protocol: url.protocol === 'https:' ? 'wss' : 'ws', pathname: '/socket.io/', description: 'Socket.IO v4 over WebSocket (HTTP long-polling fallback)' },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** [OPS82] Serves both documents and the browsable page (`/api/docs`). */
export function apiDocsRouter(publicUrl: string): Router {
  const r = Router();
  // Built on first request, once per process: the schemas do not change while it runs.
  let openApi: Json | undefined;
  let asyncApi: Json | undefined;
  r.get('/openapi.json', (_req, res) => void res.json((openApi ??= openApiDocument(publicUrl))));
  r.get('/asyncapi.json', (_req, res) => void res.json((asyncApi ??= asyncApiDocument(publicUrl))));
  r.get('/docs', (_req, res) => void res.type('html').send(DOCS_PAGE_HTML));
  r.get('/docs.js', (_req, res) => void res.type('application/javascript').send(DOCS_PAGE_SCRIPT));
  return r;
}
