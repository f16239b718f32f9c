#!/usr/bin/env node
// Readiness / health probe for the local infrastructure servers.
//
//   node deploy/local/health.mjs <kafka|opensearch|neo4j|milvus> [--wait SECONDS] [--pid PID] [--quiet]
//
// Each probe is a REAL request through the same npm client the services use:
//   kafka       kafkajs admin: create topic `engram-infra-health` (idempotent) + listTopics +
//               describeGroups (group coordinator available)
//   opensearch  @opensearch-project/opensearch: cluster.health (wait_for_status=yellow)
//   neo4j       neo4j-driver: `RETURN 1 AS one` over Bolt (auth none)
//   milvus      @zilliz/milvus2-sdk-node: checkHealth()
//
// Addresses come from ENGRAM_KAFKA_BROKERS, ENGRAM_OPENSEARCH_URL, ENGRAM_NEO4J_URI,
// ENGRAM_MILVUS_ADDRESS (defaults: the default local ports on 127.0.0.1).
// With --wait, retries until the deadline; with --pid, gives up as soon as that process is gone.
// Exit code 0 = healthy, 1 = not healthy (reason on stderr), 2 = usage error.

import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const endpoints = () => ({
  kafka: (process.env.ENGRAM_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').filter(Boolean),
  opensearch: process.env.ENGRAM_OPENSEARCH_URL ?? 'http://127.0.0.1:9200',
  neo4j: process.env.ENGRAM_NEO4J_URI ?? 'bolt://127.0.0.1:7687',
  milvus: process.env.ENGRAM_MILVUS_ADDRESS ?? '127.0.0.1:19530',
});

const withTimeout = (promise, ms, what) => {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]);
};

export const probes = {
  async kafka() {
    const { Kafka, logLevel } = require('kafkajs');
    const kafka = new Kafka({
      clientId: 'engram-infra-health',
      brokers: endpoints().kafka,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      requestTimeout: 5000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const topic = 'engram-infra-health';
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
        timeout: 5000,
      });
      const topics = await admin.listTopics();
      if (!topics.includes(topic)) throw new Error(`topic ${topic} missing from listTopics: ${topics}`);
      // Also require a working group coordinator (first use creates __consumer_offsets); otherwise
      // the first consumer of a test run logs "The group coordinator is not available" and retries.
      const { groups } = await admin.describeGroups(['engram-infra-health']);
      if (groups.length !== 1) throw new Error('describeGroups returned no group');
      return `topics=${topics.length} group-coordinator=ok`;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  },

  async opensearch() {
    const { Client } = require('@opensearch-project/opensearch');
    const client = new Client({ node: endpoints().opensearch, requestTimeout: 5000, maxRetries: 0 });
    try {
      const { body } = await client.cluster.health({ wait_for_status: 'yellow', timeout: '2s' });
      if (body.status !== 'green' && body.status !== 'yellow')
        throw new Error(`cluster status ${body.status}`);
      return `status=${body.status} nodes=${body.number_of_nodes}`;
    } finally {
      await client.close().catch(() => {});
    }
  },

  async neo4j() {
    const neo4j = require('neo4j-driver');
    const driver = neo4j.driver(endpoints().neo4j, neo4j.auth.none(), {
      connectionTimeout: 2000,
      maxConnectionPoolSize: 1,
      logging: { level: 'error', logger: () => {} },
    });
    try {
      const { records } = await driver.executeQuery('RETURN 1 AS one');
      const one = records[0]?.get('one');
      if (neo4j.integer.toNumber(one) !== 1) throw new Error(`unexpected RETURN 1 result: ${one}`);
      const info = await driver.getServerInfo();
      return `${info.agent} protocol=${info.protocolVersion}`;
    } finally {
      await driver.close().catch(() => {});
    }
  },

  async milvus() {
    const { MilvusClient } = require('@zilliz/milvus2-sdk-node');
    const client = new MilvusClient({ address: endpoints().milvus, timeout: 3000, logLevel: 'error' });
    try {
      await withTimeout(client.connectPromise, 4000, 'milvus connect');
      const res = await withTimeout(client.checkHealth(), 4000, 'milvus checkHealth');
      if (!res.isHealthy) throw new Error(`not healthy: ${JSON.stringify(res)}`);
      const v = await withTimeout(client.getVersion(), 4000, 'milvus getVersion').catch(() => undefined);
      return `healthy version=${v?.version ?? '?'}`;
    } finally {
      await client.closeConnection().catch(() => {});
    }
  },
};

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

async function main() {
  const args = process.argv.slice(2);
  const server = args.shift();
  let wait = 0;
  let pid;
  let quiet = false;
  while (args.length) {
    const a = args.shift();
    if (a === '--wait') wait = Number(args.shift());
    else if (a === '--pid') pid = Number(args.shift());
    else if (a === '--quiet') quiet = true;
    else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  const probe = probes[server];
  if (!probe) {
    console.error(`usage: health.mjs <${Object.keys(probes).join('|')}> [--wait SECONDS] [--pid PID]`);
    process.exit(2);
  }
  const deadline = Date.now() + wait * 1000;
  let lastErr;
  for (let attempt = 1; ; attempt++) {
    try {
      const detail = await withTimeout(probe(), 15000, `${server} probe`);
      if (!quiet) console.log(`${server}: ok (${detail})`);
      process.exit(0);
    } catch (e) {
      lastErr = e;
    }
    if (pid && !alive(pid)) {
      console.error(
        `${server}: process ${pid} exited before becoming healthy (last error: ${lastErr?.message})`,
      );
      process.exit(1);
    }
    if (Date.now() >= deadline) break;
    await sleep(attempt < 10 ? 500 : 1000);
  }
  console.error(`${server}: not healthy: ${lastErr?.message ?? lastErr}`);
  process.exit(1);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
