// tasks: the asynchronous work an action started (a power action, a volume-group switch, a
// clone), readable until and after it settles.

import { notFound } from './errors.js';
import { iso } from './iso-time.js';
import type { ApiResult, WorldCore } from './world-core.js';

export function getTask(w: WorldCore, id: string): ApiResult {
  const task = w.data.tasks[id];
  if (!task) throw notFound(`task ${id} not found`);
  const now = w.now();
  return {
    status: 200,
    body: {
      taskID: task.id,
      cloudInstanceID: task.workspace,
      component: task.component,
      componentID: task.componentID,
      componentName: task.componentName,
      operation: task.operation,
      status: now < task.doneMs ? 'in-progress' : task.outcome,
      statusDetail: task.statusDetail,
      creationDate: iso(task.createdMs),
      lastUpdateDate: iso(Math.min(now, task.doneMs)),
    },
  };
}

/** Model ms until a task settles (0 once it has); undefined for an unknown task. */
export function taskDueInMs(w: WorldCore, id: string): number | undefined {
  const task = w.data.tasks[id];
  return task ? Math.max(0, task.doneMs - w.now()) : undefined;
}

/** Workspace a task belongs to (for site-down checks). */
export function taskWorkspace(w: WorldCore, id: string): string | undefined {
  return w.data.tasks[id]?.workspace;
}
