import { logLevel } from 'kafkajs';
import { KafkaMessageBus } from './kafka-bus';

// Without a broker: option checks and a clean failure. The delivery contract itself is tested
// against a real broker in test/*.int-spec.ts.
describe('KafkaMessageBus without a broker', () => {
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

  it('rejects missing brokers and bad partition counts', async () => {
    await expect(KafkaMessageBus.connect({ brokers: ' , ' })).rejects.toThrow(/no brokers/);
    await expect(KafkaMessageBus.connect({ brokers: 'x:1', partitions: 0 })).rejects.toThrow(/partitions/);
    await expect(KafkaMessageBus.connect({ brokers: 'x:1', topicPartitions: { t: 1.5 } })).rejects.toThrow(
      /partitions for t/,
    );
  });

  it('fails to connect to an unreachable broker instead of hanging', async () => {
    const t0 = Date.now();
    await expect(
      KafkaMessageBus.connect({
        brokers: '127.0.0.1:1',
        logger: quiet,
        kafkaLogLevel: logLevel.NOTHING,
        connectionTimeoutMs: 200,
        clientRetry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
      }),
    ).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
