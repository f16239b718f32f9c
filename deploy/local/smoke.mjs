#!/usr/bin/env node
// Smoke test: one real round trip per local infrastructure server, through the npm clients
// that the Engram adapters will use. Run against servers started by `deploy/local/infra.sh up`:
//
//   source .cache/infra/env.sh     # optional; defaults are the default local ports
//   node deploy/local/smoke.mjs [kafka] [opensearch] [neo4j] [milvus]
//
//   kafka       kafkajs: create topic, produce a keyed message with a header, consume it back
//               with a fresh consumer group, delete the topic
//   opensearch  @opensearch-project/opensearch: create an index whose text field uses the
//               built-in `whitespace` analyzer, index a doc, BM25 match search, delete the index
//   neo4j       neo4j-driver: MERGE a node (twice — still one node), MATCH it back, DETACH DELETE
//   milvus      @zilliz/milvus2-sdk-node: create a collection (Int64 pk, VarChar, FloatVector),
//               index + load it, insert rows, vector search + filtered query, drop it
//
// Every object it creates has a unique `engram-smoke-*` name and is removed afterwards.
// Exit code 0 when every selected round trip succeeded; prints "N passed, N failed".

import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { endpoints } from './health.mjs';

const require = createRequire(import.meta.url);
const RUN = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

const assert = (cond, msg) => {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
};

const withTimeout = (promise, ms, what) => {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]);
};

const smokes = {
  async kafka() {
    const { Kafka, logLevel, Partitioners } = require('kafkajs');
    const kafka = new Kafka({
      clientId: 'engram-smoke',
      brokers: endpoints().kafka,
      logLevel: logLevel.WARN,
    });
    const topic = `engram-smoke-${RUN}`;
    const admin = kafka.admin();
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const consumer = kafka.consumer({ groupId: `engram-smoke-${RUN}` });
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      await producer.connect();
      const payload = JSON.stringify({ run: RUN, text: 'hello engram' });
      const [meta] = await producer.send({
        topic,
        messages: [{ key: 'memory-1', value: payload, headers: { 'x-engram-run': RUN } }],
      });
      assert(meta.errorCode === 0, `produce errorCode ${meta.errorCode}`);

      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const received = await withTimeout(
        new Promise((resolve, reject) => {
          consumer
            .run({
              eachMessage: async ({ message, partition }) => {
                resolve({
                  partition,
                  key: message.key?.toString(),
                  value: message.value?.toString(),
                  headers: message.headers,
                });
              },
            })
            .catch(reject);
        }),
        30000,
        'kafka consume',
      );
      assert(received.key === 'memory-1', `key ${received.key}`);
      assert(received.value === payload, `value ${received.value}`);
      assert(received.headers['x-engram-run']?.toString() === RUN, 'header round trip');
      return `produced+consumed 1 message on ${topic} (offset ${meta.baseOffset})`;
    } finally {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect().catch(() => {});
    }
  },

  async opensearch() {
    const { Client } = require('@opensearch-project/opensearch');
    const client = new Client({ node: endpoints().opensearch });
    const index = `engram-smoke-${RUN}`;
    try {
      await client.indices.create({
        index,
        body: {
          settings: { number_of_shards: 1, number_of_replicas: 0 },
          mappings: {
            properties: {
              memory_id: { type: 'keyword' },
              // The integ-test zip has no analysis-common module: the built-in `whitespace`,
              // `standard`, `simple`, `stop` and `keyword` analyzers exist, the whitespace
              // *tokenizer* and most token filters do not (see docs/operations/local-infra.md).
              text: { type: 'text', analyzer: 'whitespace' },
            },
          },
        },
      });
      await client.index({
        index,
        id: 'm1',
        body: { memory_id: 'm1', text: 'Alice prefers green-tea over coffee' },
        refresh: true,
      });
      await client.index({
        index,
        id: 'm2',
        body: { memory_id: 'm2', text: 'Bob likes coffee' },
        refresh: true,
      });
      // whitespace analyzer keeps "green-tea" as one token and is case-sensitive
      const { body } = await client.search({ index, body: { query: { match: { text: 'green-tea' } } } });
      const hits = body.hits.hits;
      assert(
        hits.length === 1 && hits[0]._id === 'm1',
        `expected only m1, got ${JSON.stringify(hits.map((h) => h._id))}`,
      );
      assert(hits[0]._score > 0, 'BM25 score > 0');
      const { body: both } = await client.search({ index, body: { query: { match: { text: 'coffee' } } } });
      assert(both.hits.total.value === 2, `coffee hits ${both.hits.total.value}`);
      return `indexed 2 docs into ${index}, whitespace-analyzed match ok (score ${hits[0]._score.toFixed(3)})`;
    } finally {
      await client.indices.delete({ index }).catch(() => {});
      await client.close().catch(() => {});
    }
  },

  async neo4j() {
    const neo4j = require('neo4j-driver');
    const driver = neo4j.driver(endpoints().neo4j, neo4j.auth.none());
    const id = `engram-smoke-${RUN}`;
    try {
      for (let i = 0; i < 2; i++) {
        await driver.executeQuery(
          'MERGE (m:EngramSmoke {id: $id}) ON CREATE SET m.created = timestamp() SET m.text = $text',
          { id, text: 'hello graph' },
        );
      }
      const { records } = await driver.executeQuery(
        'MATCH (m:EngramSmoke {id: $id}) RETURN count(m) AS n, collect(m.text)[0] AS text',
        { id },
        { routing: neo4j.routing.READ },
      );
      const n = neo4j.integer.toNumber(records[0].get('n'));
      assert(n === 1, `MERGE twice should give 1 node, got ${n}`);
      assert(records[0].get('text') === 'hello graph', 'text round trip');
      const { summary } = await driver.executeQuery('MATCH (m:EngramSmoke {id: $id}) DETACH DELETE m', {
        id,
      });
      assert(summary.counters.updates().nodesDeleted === 1, 'delete 1 node');
      const info = await driver.getServerInfo();
      return `MERGE+MATCH+DELETE ok on ${info.agent}`;
    } finally {
      await driver.close();
    }
  },

  async milvus() {
    const { MilvusClient, DataType, MetricType } = require('@zilliz/milvus2-sdk-node');
    const client = new MilvusClient({ address: endpoints().milvus, timeout: 30000, logLevel: 'error' });
    const collection_name = `engram_smoke_${RUN.replace(/-/g, '_')}`;
    try {
      await client.connectPromise;
      const created = await client.createCollection({
        collection_name,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
          { name: 'text', data_type: DataType.VarChar, max_length: 512 },
          { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
        ],
      });
      assert(created.error_code === 'Success', `createCollection: ${JSON.stringify(created)}`);
      const idx = await client.createIndex({
        collection_name,
        field_name: 'vec',
        index_type: 'FLAT',
        metric_type: MetricType.COSINE,
      });
      assert(idx.error_code === 'Success', `createIndex: ${JSON.stringify(idx)}`);
      const loaded = await client.loadCollectionSync({ collection_name });
      assert(loaded.error_code === 'Success', `load: ${JSON.stringify(loaded)}`);

      const ins = await client.insert({
        collection_name,
        data: [
          { id: 1, text: 'alpha', vec: [1, 0, 0, 0] },
          { id: 2, text: 'beta', vec: [0, 1, 0, 0] },
          { id: 3, text: 'gamma', vec: [0.9, 0.1, 0, 0] },
        ],
      });
      assert(
        ins.status.error_code === 'Success' && Number(ins.insert_cnt) === 3,
        `insert: ${JSON.stringify(ins)}`,
      );

      const res = await client.search({
        collection_name,
        data: [1, 0, 0, 0],
        anns_field: 'vec',
        limit: 2,
        output_fields: ['id', 'text'],
      });
      assert(res.status.error_code === 'Success', `search: ${JSON.stringify(res.status)}`);
      const ids = res.results.map((r) => Number(r.id));
      assert(ids[0] === 1 && ids[1] === 3, `expected [1,3], got ${JSON.stringify(ids)}`);

      const q = await client.query({
        collection_name,
        filter: 'text == "beta"',
        output_fields: ['id', 'text'],
      });
      assert(q.data.length === 1 && Number(q.data[0].id) === 2, `query: ${JSON.stringify(q.data)}`);
      return `collection ${collection_name}: insert 3, COSINE search top2=[${ids}], filtered query ok`;
    } finally {
      await client.dropCollection({ collection_name }).catch(() => {});
      await client.closeConnection().catch(() => {});
    }
  },
};

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(smokes);
  for (const n of names) {
    if (!smokes[n]) {
      console.error(`unknown server ${n}; expected one of ${Object.keys(smokes).join(', ')}`);
      process.exit(2);
    }
  }
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const t0 = Date.now();
    try {
      const detail = await withTimeout(smokes[name](), 90000, `${name} smoke`);
      passed++;
      console.log(`ok   ${name} (${Date.now() - t0} ms): ${detail}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name} (${Date.now() - t0} ms): ${e?.stack ?? e}`);
    }
  }
  console.log(`smoke: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
