import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import {
  filterToProto,
  IngestionServiceClient,
  RetrievalServiceClient,
  type IngestionServiceDeleteRequest,
  type IngestionServiceDeleteResponse,
  type RetrievalServiceGetByIdsResponse,
  type RetrievalServiceListRequest,
  type RetrievalServiceListResponse,
  type RetrievalServiceSearchRequest,
  type RetrievalServiceSearchResponse,
} from '@engram/contracts';
import { parseFilter } from '@engram/domain';
import { HashingEmbedder } from '@engram/embedding';
import { MemoryService } from '@engram/memory-core';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import { INTERNAL_GRPC_SERVICES, InternalGrpcModule } from './internal.module';
import { grpcServerOptions } from '../server-options';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });

/** A MemOS filter dict as the internal RPCs carry it: the parsed tree. */
const tree = (dict: Record<string, unknown>) => filterToProto(parseFilter(dict)!);

type Cb<Res> = (err: ServiceError | null, res: Res) => void;
/** A generated client method (callback form) as a promise. */
const promised = <Req, Res>(m: (req: Req, cb: Cb<Res>) => unknown, req: Req) =>
  new Promise<Res>((resolve, reject) => m(req, (err, res) => (err ? reject(err) : resolve(res))));

/**
 * The internal.proto read and delete contract, per service: each internal gRPC server over a memory
 * core on embedded stores, called with the generated clients.
 */
describe('internal gRPC: RetrievalService reads, IngestionService delete', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let memory: MemoryService;
  const servers: INestMicroservice[] = [];
  let retrieval: InstanceType<typeof RetrievalServiceClient>;
  let ingestion: InstanceType<typeof IngestionServiceClient>;
  const ids = { s1a: '', s1b: '', s2: '', c2: '', other: '' };

  const getByIds = (tenant_id: string, memory_ids: string[]) =>
    promised<{ tenant_id: string; memory_ids: string[] }, RetrievalServiceGetByIdsResponse>(
      (r, cb) => retrieval.getByIds(r, cb),
      { tenant_id, memory_ids },
    );
  const list = (r: Partial<RetrievalServiceListRequest>) =>
    promised<RetrievalServiceListRequest, RetrievalServiceListResponse>((q, cb) => retrieval.list(q, cb), {
      tenant_id: 't',
      cube_ids: ['c1'],
      filter: undefined,
      ...r,
    });
  const del = (r: Partial<IngestionServiceDeleteRequest>) =>
    promised<IngestionServiceDeleteRequest, IngestionServiceDeleteResponse>(
      (q, cb) => ingestion.delete(q, cb),
      { tenant_id: 't', memory_ids: [], filter: undefined, cube_ids: [], ...r },
    );
  const invalid = async (p: Promise<unknown>, message: string | RegExp) => {
    const err = (await p.then(
      () => null,
      (e: unknown) => e,
    )) as ServiceError | null;
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(message);
  };

  const add = async (tenant: string, cube: string, session: string, content: string) => {
    const r = await memory.add({
      tenant_id: tenant,
      user_id: 'u',
      session_id: session,
      cube_ids: [cube],
      messages: [{ role: 'user', content }],
      mode: 'fast',
      async_mode: 'sync',
    });
    return r.memories[0]!.memory_id;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-internal-'));
    const embedder = new HashingEmbedder();
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    memory = new MemoryService({ ...stores, embedder, window: { maxTokens: 256, overlapTokens: 32 } });
    ids.s1a = await add('t', 'c1', 's1', 'I adopted a golden retriever named Biscuit.');
    ids.s1b = await add('t', 'c1', 's1', 'Biscuit likes long walks on the beach.');
    ids.s2 = await add('t', 'c1', 's2', 'My sister lives in Lisbon.');
    ids.c2 = await add('t', 'c2', 's1', 'I work as a carpenter.');
    ids.other = await add('other', 'c1', 's1', 'Another tenant keeps a cat.');
    const ports = { ingestion: await freePort(), retrieval: await freePort() };
    for (const service of ['ingestion', 'retrieval'] as const) {
      const app = await NestFactory.createMicroservice(InternalGrpcModule.register({ memory, service }), {
        ...grpcServerOptions({
          host: '127.0.0.1',
          port: ports[service],
          services: INTERNAL_GRPC_SERVICES[service],
        }),
        logger: false,
      });
      await app.listen();
      servers.push(app);
    }
    retrieval = new RetrievalServiceClient(`127.0.0.1:${ports.retrieval}`, credentials.createInsecure());
    ingestion = new IngestionServiceClient(`127.0.0.1:${ports.ingestion}`, credentials.createInsecure());
  });
  afterAll(async () => {
    retrieval.close();
    ingestion.close();
    for (const s of servers) await s.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('RetrievalService.GetByIds', () => {
    it('returns the tenant’s memories in the order asked, skipping unknown and other tenants’ ids', async () => {
      const r = await getByIds('t', [ids.s2, 'nope', ids.other, ids.s1a]);
      expect(r.memories.map((m) => m.id)).toEqual([ids.s2, ids.s1a]);
      const [local] = await memory.getByIds('t', [ids.s2]);
      expect(r.memories[0]).toMatchObject({
        memory: local!.memory,
        cube_id: 'c1',
        session_id: 's2',
        tenant_id: 't',
      });
      expect((await getByIds('other', [ids.s1a, ids.other])).memories.map((m) => m.id)).toEqual([ids.other]);
    });

    it('refuses bad input with INVALID_ARGUMENT', async () => {
      await invalid(getByIds('', [ids.s1a]), /tenant_id/);
      await invalid(getByIds('t', ['']), /memory_ids/);
    });
  });

  describe('RetrievalService.List', () => {
    it('lists a cube’s memories with a filter and paging, total before paging', async () => {
      const all = await list({});
      expect(all.total).toBe(3);
      expect(all.memories.map((m) => m.id).sort()).toEqual([ids.s1a, ids.s1b, ids.s2].sort());
      const s1 = await list({ filter: tree({ session_id: 's1' }) });
      expect(s1.memories.map((m) => m.id).sort()).toEqual([ids.s1a, ids.s1b].sort());
      const p1 = await list({ filter: tree({ session_id: 's1' }), page: 1, page_size: 1 });
      const p2 = await list({ filter: tree({ session_id: 's1' }), page: 2, page_size: 1 });
      expect([p1.total, p2.total]).toEqual([2, 2]);
      expect([...p1.memories, ...p2.memories].map((m) => m.id).sort()).toEqual([ids.s1a, ids.s1b].sort());
      expect((await list({ tenant_id: 'other' })).memories.map((m) => m.id)).toEqual([ids.other]);
      expect((await list({ cube_ids: ['c1', 'c2'] })).total).toBe(4);
    });

    it('refuses bad input with INVALID_ARGUMENT', async () => {
      await invalid(list({ cube_ids: [] }), /cube_ids/);
      await invalid(
        list({ filter: { cmp: { field: 'session_id', op: 'near', value: 1 } } }),
        /filter.op must be one of/,
      );
      await invalid(list({ filter: { and: { children: [{}] } } }), 'filter.and[0] is empty');
      await invalid(list({ page: 0, page_size: 1 }), /page/);
    });
  });

  describe('RetrievalService.Search', () => {
    const embedder = new HashingEmbedder();
    const search = (r: Partial<RetrievalServiceSearchRequest>) =>
      promised<RetrievalServiceSearchRequest, RetrievalServiceSearchResponse>(
        (q, cb) => retrieval.search(q, cb),
        {
          tenant_id: 't',
          query: 'golden retriever',
          cube_ids: ['c1'],
          top_k: 3,
          relativity: 0,
          dedup: 'no',
          user_id: 'u',
          memory_types: [],
          include_preference: false,
          pref_top_k: 0,
          search_tool_memory: false,
          tool_mem_top_k: 0,
          include_skill_memory: false,
          skill_mem_top_k: 0,
          query_embedding: [],
          embedder_id: '',
          ...r,
        },
      );
    const top = (r: RetrievalServiceSearchResponse) =>
      r.buckets.flatMap((b) => b.memories.map((m) => m.memory!.id));

    it('uses a precomputed query embedding from the same embedder: same answer, candidates reported', async () => {
      const plain = await search({});
      expect(top(plain)[0]).toBe(ids.s1a);
      expect(plain.candidates).toBeGreaterThan(0);
      const [vector] = await embedder.embed(['golden retriever'], 'query');
      const given = await search({ query_embedding: [...vector!], embedder_id: embedder.id });
      expect(top(given)).toEqual(top(plain));
    });

    it('refuses an embedding from another embedder or of another size with INVALID_ARGUMENT', async () => {
      await invalid(
        search({ query_embedding: [0.1, 0.2], embedder_id: 'other-model' }),
        /made by other-model/,
      );
      await invalid(search({ query_embedding: [0.1, 0.2], embedder_id: embedder.id }), /2 dimensions/);
    });
  });

  describe('IngestionService.Delete', () => {
    it('refuses bad input with INVALID_ARGUMENT', async () => {
      await invalid(del({}), 'give memory_ids or a non-empty filter');
      await invalid(del({ memory_ids: [ids.s1a], filter: tree({ session_id: 's1' }) }), /not both/);
      await invalid(del({ filter: tree({ session_id: 's1' }) }), /needs writable_cube_ids/);
      await invalid(del({ tenant_id: '', memory_ids: [ids.s1a] }), /tenant_id/);
      expect((await getByIds('t', [ids.s1a])).memories).toHaveLength(1); // nothing deleted
    });

    it('deletes by ids within the tenant and the given cubes', async () => {
      expect((await del({ memory_ids: [ids.c2], cube_ids: ['c1'] })).memory_ids).toEqual([]);
      expect((await del({ memory_ids: [ids.other] })).memory_ids).toEqual([]); // another tenant's
      expect((await getByIds('other', [ids.other])).memories).toHaveLength(1);
      expect((await del({ memory_ids: [ids.c2, 'nope'] })).memory_ids).toEqual([ids.c2]);
      expect((await getByIds('t', [ids.c2])).memories).toEqual([]);
    });

    it('deletes by filter within cubes', async () => {
      const r = await del({ filter: tree({ session_id: 's1' }), cube_ids: ['c1'] });
      expect(r.memory_ids.sort()).toEqual([ids.s1a, ids.s1b].sort());
      expect((await list({})).memories.map((m) => m.id)).toEqual([ids.s2]);
      expect((await list({ tenant_id: 'other' })).total).toBe(1);
    });
  });
});
