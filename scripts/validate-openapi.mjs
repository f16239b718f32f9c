#!/usr/bin/env node
// Validates an OpenAPI document (a file, a URL, or JSON on stdin with `-`): the OpenAPI 3 schema and
// every $ref must resolve (@apidevtools/swagger-parser; docs/adr/0011-openapi-validation.md).
// Exits 0 and prints a one-line summary, or 1 with the validator's message.
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';

const where = process.argv[2];
if (!where) {
  console.error('usage: node scripts/validate-openapi.mjs <openapi.json | http://…/openapi.json | ->');
  process.exit(2);
}

async function load() {
  if (where === '-') return JSON.parse(readFileSync(0, 'utf8'));
  if (/^https?:\/\//.test(where)) return (await fetch(where)).json();
  return JSON.parse(readFileSync(where, 'utf8'));
}

try {
  const doc = await SwaggerParser.validate(await load());
  const ops = Object.values(doc.paths ?? {}).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`valid OpenAPI ${doc.openapi}: ${Object.keys(doc.paths ?? {}).length} paths, ${ops} operations`);
} catch (err) {
  console.error(`invalid OpenAPI document: ${err.message}`);
  process.exit(1);
}
