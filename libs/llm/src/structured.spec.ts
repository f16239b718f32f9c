import { FakeOpenAiServer, type FakeChatBody } from '@engram/testing';
import type { OutputSchema } from '@engram/ports';
import { z } from 'zod';
import { createLlmClient } from './client';
import { LlmHttpError, StructuredOutputError } from './errors';

const fake = new FakeOpenAiServer();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const client = () =>
  createLlmClient({
    baseUrl: fake.baseUrl,
    models: { extractor: 'fake-extractor' },
    maxRetries: 0,
    structuredAttempts: 3,
    retryBaseMs: 1,
  });

const person = z.object({ name: z.string(), age: z.number().int() });
const schema: OutputSchema<z.infer<typeof person>> = {
  name: 'person',
  jsonSchema: {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' } },
    required: ['name', 'age'],
    additionalProperties: false,
  },
  strict: true,
  validator: person,
};
const req = {
  tenant_id: 't',
  messages: [
    { role: 'system' as const, content: 'Extract the person.' },
    { role: 'user' as const, content: 'Ada is 36.' },
  ],
  schema,
};
const text = (m: FakeChatBody['messages'][number] | undefined) =>
  typeof m?.content === 'string' ? m.content : '';

describe('structured output', () => {
  it('sends response_format json_schema and returns validated data', async () => {
    fake.setDefault({ json: { name: 'Ada', age: 36 } });
    const r = await client().structured(req);
    expect(r).toMatchObject({
      data: { name: 'Ada', age: 36 },
      attempts: 1,
      repaired: false,
      mode: 'json_schema',
      model: 'fake-extractor',
    });
    expect(fake.chatRequests()[0]!.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'person', schema: schema.jsonSchema, strict: true },
    });
  });

  it('falls back to json_object when the server rejects json_schema, and remembers it', async () => {
    fake.on(
      { responseFormat: 'json_schema' },
      { status: 400, error: "response_format type 'json_schema' is not supported" },
    );
    fake.on({ responseFormat: 'json_object' }, { json: { name: 'Ada', age: 36 } });
    const c = client();
    const r = await c.structured(req);
    expect(r.mode).toBe('json_object');
    expect(r.attempts).toBe(1);
    const [first, second] = fake.chatRequests();
    expect(first!.response_format?.type).toBe('json_schema');
    expect(second!.response_format).toEqual({ type: 'json_object' });
    // Without server-side enforcement the schema goes into the system prompt (and mentions JSON).
    expect(text(second!.messages[0])).toContain('JSON Schema');
    expect(text(second!.messages[0])).toContain('"age"');

    await c.structured(req);
    expect(fake.chatRequests()[2]!.response_format).toEqual({ type: 'json_object' });
  });

  it('drops response_format entirely when json_object is rejected too', async () => {
    fake.on({ responseFormat: 'json_schema' }, { status: 422 });
    fake.on({ responseFormat: 'json_object' }, { status: 400 });
    fake.setDefault({ content: '{"name": "Ada", "age": 36}' });
    const r = await client().structured(req);
    expect(r.mode).toBe('prompt');
    expect(fake.chatRequests()[2]!.response_format).toBeUndefined();
  });

  it('does not mistake an auth failure for an unsupported format', async () => {
    fake.setDefault({ status: 401, error: 'invalid key' });
    await expect(client().structured(req)).rejects.toBeInstanceOf(LlmHttpError);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('repairs fenced JSON with trailing commas and single quotes', async () => {
    fake.setDefault({
      content: "Sure! Here it is:\n```json\n{'name': 'Ada', 'age': 36,}\n```\nAnything else?",
    });
    const r = await client().structured(req);
    expect(r.data).toEqual({ name: 'Ada', age: 36 });
    expect(r.repaired).toBe(true);
    expect(r.attempts).toBe(1);
  });

  it('retries with the validation error fed back, then succeeds', async () => {
    fake.on(() => true, { json: { name: 'Ada', age: 'thirty-six' } }, { times: 1 });
    fake.setDefault({ json: { name: 'Ada', age: 36 } });
    const r = await client().structured(req);
    expect(r.attempts).toBe(2);
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
    const retry = fake.chatRequests()[1]!;
    expect(retry.messages).toHaveLength(4);
    expect(retry.messages[2]).toEqual({ role: 'assistant', content: '{"name":"Ada","age":"thirty-six"}' });
    expect(text(retry.messages[3])).toMatch(/could not be used: the JSON does not match the schema.*age/s);
  });

  it('throws StructuredOutputError with the reason when attempts run out', async () => {
    fake.setDefault({ content: 'I cannot answer that in JSON, sorry.' });
    const err = await client()
      .structured(req)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StructuredOutputError);
    expect((err as StructuredOutputError).attempts).toBe(3);
    expect((err as StructuredOutputError).reason).toMatch(/no JSON object/);
    expect((err as StructuredOutputError).lastRaw).toContain('cannot answer');
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('honours a per-request attempt budget', async () => {
    fake.setDefault({ content: '{"name": "Ada"' });
    await expect(client().structured({ ...req, maxAttempts: 1 })).rejects.toThrow(/after 1 attempt/);
    expect(fake.chatRequests()).toHaveLength(1);
  });
});
