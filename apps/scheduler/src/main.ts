import { Logger } from '@nestjs/common';
import { SchedulerModule } from '@engram/gateway';
import { TaskTracker } from '@engram/memory-core';
import {
  connectBus,
  createServiceApp,
  groupId,
  loadServiceConfig,
  ServiceLifecycle,
  subscribeTasks,
} from '@engram/runtime';

/**
 * Task state for the cluster: folds task events (waiting → in_progress → completed / failed /
 * cancelled, per cube) and serves MemOS `/product/scheduler/status|allstatus|wait`. State is rebuilt
 * from the topic at start (its own consumer group, from the beginning).
 */
async function main(): Promise<void> {
  const cfg = loadServiceConfig('scheduler', process.env);
  const log = new Logger('scheduler');
  const lc = new ServiceLifecycle('scheduler');
  lc.exitOnSignals(cfg.shutdownTimeoutMs);
  const tasks = new TaskTracker();
  const bus = await connectBus(cfg);
  const describe = () => ({ tasks: tasks.summary() });
  const app = await createServiceApp(cfg, lc, [SchedulerModule.register({ tasks })], {
    health: true,
    describe,
  });
  // one group per instance: every replica must see every task event
  const sub = await subscribeTasks(bus, groupId(cfg, `scheduler.${process.pid}`), tasks);
  lc.onShutdown('stop task-events consumer', () => sub.close());
  lc.onShutdown('close bus', () => bus.close());
  await app.listen(cfg.port, cfg.host);
  lc.markReady();
  log.log(`scheduler listening on ${await app.getUrl()}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
