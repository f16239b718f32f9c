import { normalizeMessages } from '@engram/reader';
import { buildFastMemories, fastMemoriesFor, layoutFastMemories, type FastContext } from './fast-memories';

const window = { maxTokens: 32, overlapTokens: 8 };
const ctx = (cube: string): FastContext => ({
  tenant_id: 't',
  cube_id: cube,
  user_id: 'u',
  session_id: 's',
  ingest_key: 'ik',
  task_id: 'task',
  custom_tags: ['travel'],
  info: { app: 'demo' },
  now: '2026-05-02T09:00:00.000Z',
});

describe('fast memories: one layout per add, items per cube', () => {
  const messages = normalizeMessages(
    [
      { role: 'user', content: 'I flew to Lisbon in May. '.repeat(12), chat_time: '2026-05-01T10:00:00Z' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Here is the itinerary and a photo.' },
          { type: 'file', file: { filename: 'trip.txt', file_data: 'Day one: Alfama. Day two: Belém. '.repeat(10) } },
          { type: 'image_url', image_url: { url: 'https://example.com/tram.jpg' } },
        ],
      },
    ],
    'seed',
  );

  it('gives every cube exactly what building it alone gives (windows, file chunks, images)', async () => {
    const layout = await layoutFastMemories(messages, window);
    expect(layout.windows.length).toBeGreaterThan(1);
    expect([...layout.fileChunks.values()][0]!.length).toBeGreaterThan(1);
    for (const cube of ['a', 'b']) {
      expect(fastMemoriesFor(layout, messages, ctx(cube))).toEqual(buildFastMemories(messages, ctx(cube), window));
    }
    const [a, b] = ['a', 'b'].map((c) => fastMemoriesFor(layout, messages, ctx(c)));
    expect(a!.map((m) => m.memory)).toEqual(b!.map((m) => m.memory));
    expect(a!.map((m) => m.id)).not.toEqual(b!.map((m) => m.id));
  });
});
