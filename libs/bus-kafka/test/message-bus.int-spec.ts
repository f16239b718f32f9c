import { Kafka, logLevel } from 'kafkajs';
import { describeMessageBusConformance, requireServers } from '@engram/testing';
import { KafkaMessageBus } from '../src';

jest.setTimeout(120_000);

const quiet = { log: () => undefined, warn: () => undefined, error: (m: unknown) => console.error(m) };

const env = requireServers('Kafka message bus', ['ENGRAM_KAFKA_BROKERS'] as const);
if (env) {
  const brokers = env.ENGRAM_KAFKA_BROKERS.split(',');
  describeMessageBusConformance('kafka', {
    open: ({ deadLetterTopic, observer }) =>
      KafkaMessageBus.connect({
        brokers,
        clientId: 'engram-conformance',
        topics: [],
        partitions: 4,
        deadLetterTopic,
        observer,
        logger: quiet,
        kafkaLogLevel: logLevel.NOTHING,
      }),
    sharedAcrossInstances: true,
    quietMs: 1500,
    timeoutMs: 60_000,
    cleanupTopics: async (topics) => {
      const admin = new Kafka({
        brokers,
        clientId: 'engram-conformance-cleanup',
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const mine = topics.filter((t) => existing.has(t));
        if (mine.length) await admin.deleteTopics({ topics: mine });
      } finally {
        await admin.disconnect();
      }
    },
  });
}
