import {
  ALL_TOPICS,
  cubeKey,
  decodeEvent,
  encodeEvent,
  InvalidEventError,
  isTopic,
  taskKey,
  TOPICS,
  type EventOf,
} from '../index';

const T0 = '2026-05-02T09:00:00.000Z';

const rawInput = (): EventOf<typeof TOPICS.rawInput> => ({
  schema_version: 1,
  event_id: 'ev-1',
  tenant_id: 'acme',
  occurred_at: T0,
  cube_id: 'alice',
  user_id: 'alice',
  session_id: 's1',
  task_id: 'task-1',
  ingest_key: 'ik-1',
  mode: 'fast',
  messages: [
    {
      message_id: 'm1',
      role: 'user',
      content: 'I adopted a dog named Biscuit.',
      parts: [],
      chat_time: T0,
      index: 0,
    },
  ],
  custom_tags: [],
  info: { app: 'demo' },
  raw_memory_ids: ['mem-1'],
});

const samples: { [T in (typeof ALL_TOPICS)[number]]: EventOf<T> } = {
  [TOPICS.rawInput]: rawInput(),
  [TOPICS.candidates]: {
    schema_version: 1,
    event_id: 'ev-2',
    tenant_id: 'acme',
    occurred_at: T0,
    cube_id: 'alice',
    user_id: 'alice',
    session_id: 's1',
    task_id: 'task-1',
    ingest_key: 'ik-1',
    raw_memory_ids: ['mem-1'],
    extractor: { model: 'gpt-4o-mini', prompt_version: 'extract-v1' },
    candidates: [
      {
        memory: "The user's dog is named Biscuit.",
        key: 'dog name',
        tags: ['pet'],
        memory_type: 'UserMemory',
        confidence: 0.9,
        background: '',
        source_message_ids: ['m1'],
        info: {},
        valid_from: null,
        valid_to: null,
      },
    ],
  },
  [TOPICS.memoryChanges]: {
    schema_version: 1,
    event_id: 'ev-3',
    tenant_id: 'acme',
    occurred_at: T0,
    cube_id: 'alice',
    memory_id: 'mem-2',
    change: 'superseded',
    memory_version: 2,
    status: 'archived',
    memory_type: 'UserMemory',
    reason: 'contradiction',
    superseded_by: 'mem-3',
  },
  [TOPICS.taskEvents]: {
    schema_version: 1,
    event_id: 'ev-4',
    tenant_id: 'acme',
    occurred_at: T0,
    task_id: 'task-1',
    user_id: 'alice',
    cube_ids: ['alice'],
    label: 'add',
    status: 'completed',
  },
  [TOPICS.deadLetter]: {
    schema_version: 1,
    event_id: 'ev-5',
    occurred_at: T0,
    source_topic: TOPICS.rawInput,
    source_partition: 3,
    source_offset: '42',
    source_key: 'acme:alice',
    source_value_base64: Buffer.from('{').toString('base64'),
    consumer_group: 'mem-reader',
    error: 'engram.raw-input.v1: not JSON',
    attempts: 5,
  },
};

describe('Kafka topics and keys', () => {
  it('names every topic engram.<name>.v<version>', () => {
    for (const t of ALL_TOPICS) expect(t).toMatch(/^engram\.[a-z-]+\.v\d+$/);
    expect(new Set(ALL_TOPICS).size).toBe(ALL_TOPICS.length);
    expect(isTopic('engram.raw-input.v1')).toBe(true);
    expect(isTopic('engram.raw-input.v2')).toBe(false);
  });

  it('keys cube events by tenant and cube, task events by tenant and task', () => {
    expect(cubeKey('acme', 'alice')).toBe('acme:alice');
    expect(encodeEvent(TOPICS.rawInput, samples[TOPICS.rawInput]).key).toBe('acme:alice');
    expect(encodeEvent(TOPICS.candidates, samples[TOPICS.candidates]).key).toBe('acme:alice');
    expect(encodeEvent(TOPICS.memoryChanges, samples[TOPICS.memoryChanges]).key).toBe('acme:alice');
    expect(encodeEvent(TOPICS.taskEvents, samples[TOPICS.taskEvents]).key).toBe(taskKey('acme', 'task-1'));
    expect(encodeEvent(TOPICS.deadLetter, samples[TOPICS.deadLetter]).key).toBe('acme:alice');
  });
});

describe('event codec', () => {
  it.each(ALL_TOPICS)('round-trips a valid %s event', (topic) => {
    const enc = encodeEvent(topic, samples[topic]);
    expect(enc.headers).toEqual({ 'engram-schema': topic, 'content-type': 'application/json' });
    expect(decodeEvent(topic, Buffer.from(enc.value))).toEqual(samples[topic]);
    expect(decodeEvent(topic, enc.value)).toEqual(samples[topic]);
  });

  it('refuses to encode an invalid event, naming the field', () => {
    const bad = { ...rawInput(), messages: [] };
    expect(() => encodeEvent(TOPICS.rawInput, bad)).toThrow(InvalidEventError);
    expect(() => encodeEvent(TOPICS.rawInput, bad)).toThrow(
      'engram.raw-input.v1: invalid event: messages: Array must contain at least 1 element(s)',
    );
  });

  it('rejects a decoded event with wrong fields, listing every problem', () => {
    const bad = { ...rawInput(), tenant_id: 'a b', messages: [{ ...rawInput().messages[0], role: 'robot' }] };
    let err: InvalidEventError | undefined;
    try {
      decodeEvent(TOPICS.rawInput, JSON.stringify(bad));
    } catch (e) {
      err = e as InvalidEventError;
    }
    expect(err).toBeInstanceOf(InvalidEventError);
    expect(err!.topic).toBe('engram.raw-input.v1');
    expect(err!.issues).toEqual([
      'tenant_id: must be 1-128 characters of [A-Za-z0-9._:-]',
      expect.stringMatching(/^messages\.0\.role: Invalid enum value/),
    ]);
  });

  it('rejects empty, non-JSON and other-version messages with clear errors', () => {
    expect(() => decodeEvent(TOPICS.taskEvents, null)).toThrow('engram.task-events.v1: empty message');
    expect(() => decodeEvent(TOPICS.taskEvents, Buffer.alloc(0))).toThrow('empty message');
    expect(() => decodeEvent(TOPICS.taskEvents, '{"schema_version":')).toThrow(
      /engram.task-events.v1: not JSON/,
    );
    const v2 = { ...samples[TOPICS.taskEvents], schema_version: 2 };
    expect(() => decodeEvent(TOPICS.taskEvents, JSON.stringify(v2))).toThrow(
      'engram.task-events.v1: unsupported schema_version 2 (this topic carries 1)',
    );
    const noVersion: Record<string, unknown> = { ...samples[TOPICS.taskEvents] };
    delete noVersion['schema_version'];
    expect(() => decodeEvent(TOPICS.taskEvents, JSON.stringify(noVersion))).toThrow(
      /schema_version: Invalid literal value/,
    );
  });

  it('drops unknown fields, so producers can add optional fields within a version', () => {
    const newer = { ...samples[TOPICS.taskEvents], added_later: 'x' };
    expect(decodeEvent(TOPICS.taskEvents, JSON.stringify(newer))).toEqual(samples[TOPICS.taskEvents]);
  });

  it('rejects an unknown topic', () => {
    expect(() => decodeEvent('engram.nope.v1' as typeof TOPICS.rawInput, '{}')).toThrow(
      'engram.nope.v1: unknown topic',
    );
  });

  it('validates times, ranges and provenance of candidates', () => {
    const c = samples[TOPICS.candidates];
    const bad = {
      ...c,
      occurred_at: 'yesterday',
      candidates: [{ ...c.candidates[0]!, confidence: 2, source_message_ids: [] }],
    };
    expect(() => decodeEvent(TOPICS.candidates, JSON.stringify(bad))).toThrow(
      /occurred_at: Invalid datetime; candidates\.0\.confidence: Number must be less than or equal to 1; candidates\.0\.source_message_ids: Array must contain at least 1 element/,
    );
  });
});
