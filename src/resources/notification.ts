// A notification target: a webhook and the DR event topics it receives. Logical: it lives in
// state only, so its changes show in plans.
import type { Notification } from '../config/index.js';
import { resourceDeps, type DesiredResource } from './kind.js';

export function desiredNotification(n: Notification): DesiredResource {
  return {
    address: n.address,
    type: 'notification',
    name: n.name,
    attributes: { webhook: n.webhook, events: [...n.events] },
    dependsOn: resourceDeps(n.dependsOn),
    sensitiveAttributes: n.sensitive,
  };
}
