import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessMessageBus } from '@engram/bus-inprocess';
import { TOPICS } from '@engram/contracts';
import { ValidationError } from '@engram/domain';
import { HashingEmbedder } from '@engram/embedding';
import { MemoryService, TaskTracker, type WindowExtractor } from '@engram/memory-core';
import { DEAD_LETTER_HEADERS } from '@engram/ports';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import { scriptedExtractor } from '@engram/testing';
import { DeadLetterReplayer, DeadLetterView, subscribeDeadLetters, subscribeTasks } from '@engram/scheduler';
import { subscribeRawInput } from './raw-input-consumer';
import { BusExtractionDispatcher } from './raw-input-dispatcher';

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * Dead letters in the cluster flow, one process: the mem-reader's extraction fails every attempt, the
 * scheduler's view lists the dead-lettered raw-input event, a replay after the LLM is back completes
 * the task.
 */
describe('dead-letter view and replay (in-process bus, embedded stores)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let bus: InProcessMessageBus;
  let llmUp: boolean;
  /** Holds an extraction until released: the task is observed between replay and completion. */
  let gate: Promise<void>;
  let gateway: MemoryService;
  let scheduler: TaskTracker;
  let view: DeadLetterView;
  let replayer: DeadLetterReplayer;
  const embedder = new HashingEmbedder();
  const window = { maxTokens: 256, overlapTokens: 32 };
  const fine = scriptedExtractor();
  const extractor: WindowExtractor = {
    extract: async (input) => {
      await gate;
      return llmUp ? fine.extract(input) : Promise.reject(new Error('llm unavailable'));
    },
  };
  const add = {
    tenant_id: 't',
    user_id: 'u',
    session_id: 's',
    messages: [{ role: 'user', content: 'I adopted a dog named Biscuit.', message_id: 'm1' }],
    mode: 'fast' as const,
    async_mode: 'async' as const,
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-dlq-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    bus = new InProcessMessageBus();
    llmUp = false;
    gate = Promise.resolve();
    gateway = new MemoryService({
      ...stores,
      embedder,
      window,
      dispatcher: new BusExtractionDispatcher(bus),
    });
    scheduler = new TaskTracker();
    await subscribeTasks(bus, 'scheduler', scheduler);
    view = new DeadLetterView();
    await subscribeDeadLetters(bus, 'scheduler.dlq', view);
    replayer = new DeadLetterReplayer(bus, view);
    const retry = { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 50, multiplier: 2 };
    const reader = new MemoryService({ ...stores, embedder, window, extractor });
    await subscribeRawInput(bus, 'mem-reader', reader, retry);
  });
  afterEach(async () => {
    await bus.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const failedAdd = async (cube = 'c') => {
    const r = await gateway.add({ ...add, cube_ids: [cube] });
    await until(() => scheduler.get('t', r.task_id)?.status === 'failed');
    await until(() => view.select().some((e) => e.record.raw_input?.cube_id === cube));
    return r;
  };

  it('lists the failed extraction, replays it once the LLM is back, and the task completes', async () => {
    const r = await failedAdd();
    const { total, items } = replayer.list({ limit: 10 });
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({
      id: expect.stringMatching(new RegExp(`^${TOPICS.deadLetter}/\\d+/\\d+$`)),
      source_topic: TOPICS.rawInput,
      source_key: 't:c',
      consumer_group: 'mem-reader',
      attempts: 2,
      error: expect.stringMatching(/llm unavailable/),
      tenant_id: 't',
      raw_input: { tenant_id: 't', task_id: r.task_id, cube_id: 'c', user_id: 'u' },
    });
    expect(items[0]!.replayed_at).toBeUndefined();

    llmUp = true;
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const out = await replayer.replay({ ids: [items[0]!.id] });
    expect(out).toEqual({
      replayed: [
        expect.objectContaining({
          id: items[0]!.id,
          source_topic: TOPICS.rawInput,
          replay: 1,
          task_id: r.task_id,
        }),
      ],
      skipped: [],
      failed: [],
    });
    // off `failed` while the replayed run is under way (a new run of the cube, not a move backwards)
    await until(() => scheduler.get('t', r.task_id)?.status === 'in_progress');
    expect(scheduler.get('t', r.task_id)!.error).toBeUndefined();
    release();
    await until(() => scheduler.get('t', r.task_id)?.status === 'completed');
    expect(scheduler.get('t', r.task_id)!.detail).toMatchObject({ c: { fine: 1, replay: 1 } });
    const { items: memories } = await gateway.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null });
    expect(memories.map((m) => m.memory)).toEqual(["The user's dog is named Biscuit."]);
    expect(replayer.list({ limit: 10 }).items[0]!.replayed_at).toEqual(expect.any(String));
  });

  it('replays a dead letter at most once, by id or by topic', async () => {
    await failedAdd();
    llmUp = true;
    const first = await replayer.replay({ source_topic: TOPICS.rawInput });
    expect(first.replayed).toHaveLength(1);
    const id = first.replayed[0]!.id;
    expect(await replayer.replay({ ids: [id] })).toEqual({
      replayed: [],
      skipped: [{ id, reason: 'already_replayed' }],
      failed: [],
    });
    expect((await replayer.replay({ source_topic: TOPICS.rawInput })).skipped).toEqual([
      { id, reason: 'already_replayed' },
    ]);
    // concurrent requests: only one of them republishes
    llmUp = false;
    await failedAdd('d');
    llmUp = true;
    const [a, b] = await Promise.all([
      replayer.replay({ source_topic: TOPICS.rawInput }),
      replayer.replay({ source_topic: TOPICS.rawInput }),
    ]);
    expect(a.replayed.length + b.replayed.length).toBe(1);
  });

  it('refuses a request naming nothing, and reports unknown or mismatched ids as skipped', async () => {
    await expect(replayer.replay({})).rejects.toThrow(ValidationError);
    await expect(replayer.replay({ ids: [] })).rejects.toThrow(/give ids .* or source_topic/);
    await failedAdd();
    const id = view.select()[0]!.record.id;
    expect(await replayer.replay({ ids: ['nope/0/1', id], source_topic: TOPICS.taskEvents })).toEqual({
      replayed: [],
      skipped: [
        { id: 'nope/0/1', reason: 'not_found' },
        { id, reason: 'other_topic' },
      ],
      failed: [],
    });
  });

  it('a replay that fails again is a new dead letter, replayable in turn as the next run', async () => {
    const r = await failedAdd();
    const first = view.select()[0]!.record.id;
    await replayer.replay({ ids: [first] });
    await until(() => view.size === 2);
    await until(() => scheduler.get('t', r.task_id)?.status === 'failed');
    const again = view.select()[0]!.record;
    expect(again).toMatchObject({ replay_of: first, raw_input: { task_id: r.task_id } });
    llmUp = true;
    expect((await replayer.replay({ ids: [again.id] })).replayed[0]).toMatchObject({ replay: 2 });
    await until(() => scheduler.get('t', r.task_id)?.status === 'completed');
    expect(scheduler.get('t', r.task_id)!.detail).toMatchObject({ c: { replay: 2, fine: 1 } });
  });

  it('keeps an unreadable dead letter with its error, cannot replay it, and keeps consuming', async () => {
    await bus.publish(TOPICS.deadLetter, [
      {
        key: null,
        value: 'not json',
        headers: { [DEAD_LETTER_HEADERS.sourceTopic]: 'x.v1', [DEAD_LETTER_HEADERS.error]: 'boom' },
      },
    ]);
    await until(() => view.size === 1);
    const bad = view.select()[0]!.record;
    expect(bad).toMatchObject({
      source_topic: 'x.v1',
      error: 'boom',
      decode_error: expect.stringMatching(/not JSON/),
    });
    expect((await replayer.replay({ ids: [bad.id] })).skipped).toEqual([
      { id: bad.id, reason: 'unreadable' },
    ]);
    await failedAdd();
    expect(view.size).toBe(2);
  });

  it('is bounded: the oldest dead letters read are dropped first', async () => {
    const small = new DeadLetterView(2);
    await subscribeDeadLetters(bus, 'small', small);
    await bus.publish(
      TOPICS.deadLetter,
      ['a', 'b', 'c'].map((v) => ({ key: 'k', value: v })),
    );
    await until(() => small.select().some((e) => e.record.id.endsWith('/2')));
    expect(small.size).toBe(2);
    expect(small.select().map((e) => e.record.id.split('/').at(-1))).toEqual(['2', '1']);
  });
});
