import { Logger } from '@nestjs/common';
import { KafkaMessageBus } from '@engram/bus-kafka';
import type { BusObserver, MessageBus } from '@engram/ports';
import type { ServiceConfig } from '@engram/platform';

/**
 * The cluster bus (Kafka); topics from libs/contracts are created at connect if missing. `observer`
 * feeds the bus counters of /metrics (`ServiceMetrics.busObserver()`).
 */
export async function connectBus(
  cfg: ServiceConfig,
  opts: { observer?: BusObserver } = {},
): Promise<MessageBus> {
  return KafkaMessageBus.connect({
    brokers: cfg.kafkaBrokers,
    clientId: `engram-${cfg.service}`,
    logger: new Logger(`bus:${cfg.service}`),
    ...(opts.observer ? { observer: opts.observer } : {}),
  });
}

/** Consumer group ids: one per role, prefixed so topologies sharing a Kafka stay apart. */
export function groupId(cfg: ServiceConfig, role: string): string {
  return `${cfg.groupPrefix}.${role}`;
}
