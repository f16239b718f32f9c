import { ApiError } from '../client/errors';
import type { MemosClient } from '../client/memos-client';
import { requestJson } from '../client/http';
import { unwrapEnvelope } from '../client/parse';
import type { LocomoConversation } from '../data/locomo';
import type { ConversationResult } from '../locomo/server-run';
import { check, type Check } from './check';

/** Behaviour the harness relies on; each failure would make the metrics meaningless. */
export function resultChecks(results: readonly ConversationResult[], topK: number): Check[] {
  const sum = (f: (r: ConversationResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const stored = sum((r) => r.coverage.storedMemories);
  const storedProv = sum((r) => r.coverage.storedWithProvenance);
  const returned = sum((r) => r.returnedTotal);
  const returnedProv = sum((r) => r.returnedWithProvenance);
  const states = [...new Set(results.map((r) => r.ingest.waitState))];
  const maxReturned = Math.max(0, ...results.map((r) => r.maxReturned));
  const anyHit = results.some((r) => r.runs.some((run) => run.ranked.some((x) => x.sources.some((s) => run.question.evidence.includes(s)))));
  return [
    check('add returns memories (sync mode)', sum((r) => r.ingest.memoriesReturnedByAdd) > 0, `${sum((r) => r.ingest.memoriesReturnedByAdd)} items from ${sum((r) => r.ingest.addCalls)} add calls`),
    check('scheduler wait reaches idle', !states.includes('timeout'), states.join(', ')),
    check('scheduler wait endpoint exists', !states.includes('unsupported'), states.join(', '), true),
    check('get_memory lists stored memories', stored > 0, `${stored} stored`),
    check('stored memories cite messages', storedProv > 0, `${storedProv}/${stored} with sources[].message_id`),
    check('every stored memory cites messages', storedProv === stored, `${storedProv}/${stored}`, true),
    check('no invented source ids', sum((r) => r.coverage.unknownSourceIds) === 0, `${sum((r) => r.coverage.unknownSourceIds)} cited ids name no turn`),
    check('search respects top_k', maxReturned <= topK, `max ${maxReturned} for top_k ${topK}`),
    check('search stays in its cube', sum((r) => r.foreignCube) === 0, `${sum((r) => r.foreignCube)} memories from other cubes`),
    check('returned memories cite messages', returned === 0 || returnedProv > 0, `${returnedProv}/${returned}`),
    check('server finds some evidence', anyHit, anyHit ? 'at least one gold turn retrieved' : 'no question retrieved any gold turn'),
  ];
}

/** A verbatim turn must be findable: fast mode stores raw text, so its own words retrieve it. */
export async function probeChecks(client: MemosClient, conv: LocomoConversation, cube: string, topK: number, mode: 'fast' | 'fine'): Promise<Check[]> {
  const step = Math.max(1, Math.floor(conv.turns.length / 3));
  const probes = [conv.turns[0], conv.turns[step], conv.turns[2 * step]].filter((t) => t !== undefined);
  const missed: string[] = [];
  for (const t of probes) {
    const res = await client.search({ cube, query: t.content, topK, mode, dedup: 'no' });
    if (!res.text.slice(0, topK).some((m) => m.sources.includes(t.diaId))) missed.push(t.diaId);
  }
  const q = conv.questions[0]?.question ?? conv.turns[0]?.content ?? '';
  const a = await client.search({ cube, query: q, topK, mode, dedup: 'no' });
  const b = await client.search({ cube, query: q, topK, mode, dedup: 'no' });
  const same = JSON.stringify(a.text.map((m) => m.id)) === JSON.stringify(b.text.map((m) => m.id));
  return [
    check('verbatim turns are retrievable', missed.length === 0, missed.length ? `not in top ${topK}: ${missed.join(', ')}` : `${probes.length} probes found`),
    check('repeated search is stable', same, same ? 'same ids in the same order' : 'ranking changed between two identical searches', true),
  ];
}

/** Invalid input must be rejected, not answered with code 200. */
export async function rejectsBadInput(client: MemosClient, cube: string): Promise<Check> {
  try {
    const res = await requestJson('POST', `${client.baseUrl.replace(/\/+$/, '')}/product/search`, { user_id: cube, readable_cube_ids: [cube] }, 10_000);
    unwrapEnvelope(res.status, res.body, 'search without query');
    return check('search without query is rejected', false, 'answered with code 200');
  } catch (err) {
    return check('search without query is rejected', err instanceof ApiError, (err as Error).message.slice(0, 160));
  }
}
