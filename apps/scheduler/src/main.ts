import { DeadLetterModule, SchedulerModule } from '@engram/api-rest';
import { TaskTracker } from '@engram/memory-core';
import { bootstrapService } from '@engram/platform';
import { connectBus, groupId } from '@engram/runtime';
import { DeadLetterReplayer, DeadLetterView, subscribeDeadLetters, subscribeTasks } from '@engram/scheduler';

/**
 * Task state for the cluster: folds task events (waiting → in_progress → completed / failed /
 * cancelled, per cube) and serves MemOS `/product/scheduler/status|allstatus|wait`; lists and replays
 * dead letters (`/product/scheduler/dead_letters`). State is rebuilt from the topics at start (its own
 * consumer groups, from the beginning).
 */
bootstrapService('scheduler', async ({ cfg, log, lifecycle: lc, metrics }) => {
  const tasks = new TaskTracker();
  const bus = await connectBus(cfg, { observer: metrics.busObserver() });
  metrics.watch({ bus, tasks: () => tasks.totals() });
  const deadLetters = new DeadLetterView();
  return {
    modules: [
      SchedulerModule.register({ tasks, defaultTenant: cfg.defaultTenant }),
      DeadLetterModule.register({ deadLetters: new DeadLetterReplayer(bus, deadLetters) }),
    ],
    probe: { health: true, describe: () => ({ tasks: tasks.totals(), dead_letters: deadLetters.size }) },
    start: async () => {
      // one group per instance: every replica must see every task event
      const sub = await subscribeTasks(bus, groupId(cfg, `scheduler.${process.pid}`), tasks);
      lc.onShutdown('stop task-events consumer', () => sub.close());
      const dlq = await subscribeDeadLetters(
        bus,
        groupId(cfg, `scheduler.dlq.${process.pid}`),
        deadLetters,
        log,
      );
      lc.onShutdown('stop dead-letter consumer', () => dlq.close());
      lc.onShutdown('close bus', () => bus.close());
    },
    banner: (url) => `scheduler listening on ${url}`,
  };
});
