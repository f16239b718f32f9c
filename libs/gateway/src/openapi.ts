import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { AddRequestSchema, DeleteMemoryRequestSchema, GetByIdsSchema, GetMemoryRequestSchema, SearchRequestSchema } from './product/schemas';

const BODIES: Record<string, z.ZodTypeAny> = {
  '/product/add': AddRequestSchema,
  '/product/search': SearchRequestSchema,
  '/product/get_memory': GetMemoryRequestSchema,
  '/product/get_memory_by_ids': GetByIdsSchema,
  '/product/delete_memory': DeleteMemoryRequestSchema,
};

// Widened signature: zod-to-json-schema's generic types recurse too deep for strict tsc.
const toJsonSchema = zodToJsonSchema as unknown as (s: z.ZodTypeAny, o: { target: 'openApi3' }) => Record<string, unknown>;

/** OpenAPI document at /openapi.json and Swagger UI at /docs; request bodies come from the zod schemas. */
export function mountOpenApi(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Engram')
    .setDescription('Memory server with a MemOS-compatible REST API')
    .setVersion(version)
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  for (const [path, schema] of Object.entries(BODIES)) {
    const op = doc.paths[path]?.post;
    if (!op) continue;
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: toJsonSchema(schema, { target: 'openApi3' }) } },
    };
  }
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json' });
  return doc;
}
