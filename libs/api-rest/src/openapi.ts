import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { ignoreOverride, zodToJsonSchema, type Options } from 'zod-to-json-schema';
import * as cloud from './cloud/schemas';
import { DOCUMENTED_AS } from './http/text-fields';
import { AddRequestSchema, DeleteMemoryRequestSchema, GetByIdsSchema, GetMemoryRequestSchema, SearchRequestSchema } from './product/schemas';

type JsonSchema = Record<string, unknown>;

/** Every body route: its zod schema and what the document adds that zod cannot say (one-of rules). */
const BODIES: Record<string, { schema: z.ZodTypeAny; extra?: JsonSchema }> = {
  '/product/add': {
    schema: AddRequestSchema,
    extra: { anyOf: [{ required: ['messages'] }, { required: ['memory_content'] }] },
  },
  '/product/search': { schema: SearchRequestSchema },
  '/product/get_memory': { schema: GetMemoryRequestSchema },
  '/product/get_memory_by_ids': { schema: GetByIdsSchema },
  '/product/delete_memory': { schema: DeleteMemoryRequestSchema },
  '/add/message': {
    schema: cloud.AddMessageSchema,
    extra: { required: ['messages'], anyOf: [{ required: ['user_id'] }, { required: ['agent_id'] }] },
  },
  '/search/memory': { schema: cloud.SearchMemorySchema, extra: { anyOf: [{ required: ['user_id'] }, { required: ['agent_id'] }] } },
  '/get/memory': { schema: cloud.GetMemorySchema, extra: { anyOf: [{ required: ['user_id'] }, { required: ['agent_id'] }] } },
  '/delete/memory': {
    schema: cloud.DeleteMemorySchema,
    extra: { anyOf: [{ required: ['memory_ids'] }, { required: ['user_id'] }, { required: ['agent_id'] }] },
  },
};

/** Routes that answer 404 for something they were asked about (a memory, a task). */
const NOT_FOUND: Record<string, string> = {
  'get /product/get_memory/{memory_id}': 'No memory with this id in the tenant',
  'get /product/scheduler/status': 'task_id names no task of the tenant',
};

/** Routes that answer 422 when fine mode (an LLM endpoint) is not configured. */
const UNAVAILABLE: Record<string, string> = {
  'post /product/add': 'mode=fine with async_mode=sync, and no LLM endpoint is configured',
};

/** Routes outside the MemOS envelope, documented by their own controllers. */
const OWN_SHAPE = new Set(['/health', '/ready']);

const ENVELOPE: JsonSchema = {
  type: 'object',
  description: "MemOS's response envelope; `code` repeats the HTTP status",
  required: ['code', 'message', 'data'],
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    data: { description: 'The answer (null on errors)' },
  },
};

const HEALTH: JsonSchema = {
  type: 'object',
  required: ['status', 'service', 'version'],
  properties: {
    status: { type: 'string', enum: ['healthy'] },
    service: { type: 'string' },
    version: { type: 'string' },
    embedder: { type: 'string', description: 'The active embedder (model id and dimension)' },
  },
};

const TENANT_HEADER = {
  name: 'x-engram-tenant',
  in: 'header',
  required: false,
  description: 'Tenant whose memories and tasks a request sees (absent or empty: the configured default tenant)',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{0,128}$' },
};

const IDEMPOTENCY_HEADER = {
  name: 'idempotency-key',
  in: 'header',
  required: false,
  description: 'A retried add with the same key returns the first answer and stores nothing new',
  schema: { type: 'string', minLength: 1, maxLength: 256 },
};

const ZOD_OPTIONS: Partial<Options<'openApi3'>> = {
  target: 'openApi3',
  // inline every schema: a shared sub-schema would otherwise be a `$ref` into the body (`#/properties/…`)
  $refStrategy: 'none',
  // unknown fields are ignored (MemOS clients send more than this server reads), not refused
  removeAdditionalStrategy: 'strict',
  // fields whose rules live in a refinement say them here
  override: (def) => DOCUMENTED_AS.get(def) ?? ignoreOverride,
  // OpenAPI 3.0: `nullable` does not widen an `enum`, so null must be one of its values
  postProcess: (schema) => {
    const s = schema as JsonSchema | undefined;
    if (s?.['nullable'] && Array.isArray(s['enum']) && !s['enum'].includes(null)) return { ...s, enum: [...s['enum'], null] } as never;
    return schema;
  },
};

// Widened signature: zod-to-json-schema's generic types recurse too deep for strict tsc.
const toJsonSchema = zodToJsonSchema as unknown as (s: z.ZodTypeAny, o: Partial<Options<'openApi3'>>) => JsonSchema;

/** A request body's JSON Schema, as the server validates it. */
export function bodySchema(path: string): JsonSchema | undefined {
  const b = BODIES[path];
  if (!b) return undefined;
  const schema = toJsonSchema(b.schema, ZOD_OPTIONS);
  const required = [...new Set([...((schema['required'] as string[] | undefined) ?? []), ...((b.extra?.['required'] as string[] | undefined) ?? [])])];
  return { ...schema, ...b.extra, ...(required.length ? { required } : {}) };
}

const envelope = (description: string) => ({ description, content: { 'application/json': { schema: ENVELOPE } } });

interface Operation {
  parameters?: Record<string, unknown>[];
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

/**
 * Completes what Nest's decorators leave out: the request bodies (from the zod schemas the routes
 * validate with), the tenant and idempotency headers, and every status a route answers with the
 * envelope as its body — 400 for bad input, 404 / 422 where a route can say so, 413 for a body over
 * the limit.
 */
export function completeDocument(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item) as [string, Operation][]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      if (OWN_SHAPE.has(path)) {
        if (path === '/health') op.responses['200'] = { description: 'The server is up', content: { 'application/json': { schema: HEALTH } } };
        continue;
      }
      const key = `${method} ${path}`;
      const body = bodySchema(path);
      if (body) {
        op.requestBody = { required: true, content: { 'application/json': { schema: body } } };
        op.responses['413'] = envelope('The body is larger than the configured limit (ENGRAM_BODY_LIMIT)');
      }
      op.parameters = [...(op.parameters ?? []).filter((p) => p['name'] !== TENANT_HEADER.name), TENANT_HEADER];
      if (path === '/product/add' || path === '/add/message') op.parameters.push(IDEMPOTENCY_HEADER);
      const streams = Boolean(op.responses['200']?.content?.['text/event-stream']);
      if (!streams) op.responses['200'] = envelope(op.responses['200']?.description || 'Success');
      else op.responses['200'] = { ...op.responses['200'], content: { 'text/event-stream': { schema: { description: 'Server-sent events; each data line is JSON' } } } };
      op.responses['400'] = envelope(op.responses['400']?.description || 'Bad input; the message names the field');
      if (NOT_FOUND[key]) op.responses['404'] = envelope(op.responses['404']?.description || NOT_FOUND[key]);
      if (UNAVAILABLE[key]) op.responses['422'] = envelope(UNAVAILABLE[key]);
      for (const [status, r] of Object.entries(op.responses)) {
        if (!r.content && status !== '200') op.responses[status] = envelope(r.description ?? '');
      }
    }
  }
  return doc;
}

/** The OpenAPI document of the app's routes. */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Engram')
    .setDescription('Memory server with a MemOS-compatible REST API. Every answer but /health and /ready is the envelope `{code, message, data}`.')
    .setVersion(version)
    .build();
  return completeDocument(SwaggerModule.createDocument(app, config));
}

/** OpenAPI document at /openapi.json and Swagger UI at /docs. */
export function mountOpenApi(app: INestApplication, version: string): OpenAPIObject {
  const doc = buildOpenApiDocument(app, version);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json' });
  return doc;
}
