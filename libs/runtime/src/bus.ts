import { Logger } from '@nestjs/common';
import { KafkaMessageBus } from '@engram/bus-kafka';
import type { MessageBus } from '@engram/ports';
import type { ServiceConfig } from './config';

/** The cluster bus (Kafka); topics from libs/contracts are created at connect if missing. */
export async function connectBus(cfg: ServiceConfig): Promise<MessageBus> {
  return KafkaMessageBus.connect({
    brokers: cfg.kafkaBrokers,
    clientId: `engram-${cfg.service}`,
    logger: new Logger(`bus:${cfg.service}`),
  });
}

/** Consumer group ids: one per role, prefixed so topologies sharing a Kafka stay apart. */
export function groupId(cfg: ServiceConfig, role: string): string {
  return `${cfg.groupPrefix}.${role}`;
}
