import { Logger } from '@nestjs/common';
import { DeadLetterModule, SchedulerModule } from '@engram/api-rest';
import { TaskTracker } from '@engram/memory-core';
import { connectBus, groupId } from '@engram/runtime';
import {
  createServiceApp,
  createServiceMetrics,
  loadServiceConfig,
  ServiceLifecycle,
  useServiceLogger,
} from '@engram/platform';
import { DeadLetterReplayer, DeadLetterView, subscribeDeadLetters, subscribeTasks } from '@engram/scheduler';

/**
 * Task state for the cluster: folds task events (waiting → in_progress → completed / failed /
 * cancelled, per cube) and serves MemOS `/product/scheduler/status|allstatus|wait`; lists and replays
 * dead letters (`/product/scheduler/dead_letters`). State is rebuilt from the topics at start (its own
 * consumer groups, from the beginning).
 */
async function main(): Promise<void> {
  const cfg = loadServiceConfig('scheduler', process.env);
  useServiceLogger(cfg);
  const log = new Logger('scheduler');
  const lc = new ServiceLifecycle('scheduler');
  lc.exitOnSignals(cfg.shutdownTimeoutMs);
  const tasks = new TaskTracker();
  const metrics = createServiceMetrics(cfg);
  const bus = await connectBus(cfg, { observer: metrics.busObserver() });
  metrics.watch({ bus, tasks: () => tasks.totals() });
  const deadLetters = new DeadLetterView();
  const describe = () => ({ tasks: tasks.totals(), dead_letters: deadLetters.size });
  const app = await createServiceApp(
    cfg,
    lc,
    [
      SchedulerModule.register({ tasks, defaultTenant: cfg.defaultTenant }),
      DeadLetterModule.register({ deadLetters: new DeadLetterReplayer(bus, deadLetters) }),
    ],
    {
      health: true,
      describe,
    },
    metrics,
  );
  // one group per instance: every replica must see every task event
  const sub = await subscribeTasks(bus, groupId(cfg, `scheduler.${process.pid}`), tasks);
  lc.onShutdown('stop task-events consumer', () => sub.close());
  const dlq = await subscribeDeadLetters(bus, groupId(cfg, `scheduler.dlq.${process.pid}`), deadLetters, log);
  lc.onShutdown('stop dead-letter consumer', () => dlq.close());
  lc.onShutdown('close bus', () => bus.close());
  await app.listen(cfg.port, cfg.host);
  lc.markReady();
  log.log(`scheduler listening on ${await app.getUrl()}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
