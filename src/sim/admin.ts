// A small client for the simulator's admin endpoints: faults, the event log, workspaces,
// replication tuning and the consistency check. Tests and `drctl sim` use it, with the admin
// token (not the API token: /admin/* refuses that).

import type { FaultSpec } from './faults.js';
import type { SimEvent } from './records.js';

export type SimEventView = SimEvent;

export class SimulatorAdmin {
  constructor(
    private readonly url: string,
    private readonly adminToken: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  faults(): Promise<FaultSpec> {
    return this.call<{ faults: FaultSpec }>('GET', '/admin/faults').then((r) => r.faults);
  }
  setFaults(spec: FaultSpec): Promise<void> {
    return this.call('PUT', '/admin/faults', spec).then(() => undefined);
  }
  log(sinceSeq = 0): Promise<SimEvent[]> {
    return this.call<{ events: SimEvent[] }>('GET', `/admin/log?since=${sinceSeq}`).then((r) => r.events);
  }
  ensureWorkspace(id: string, location: string, name?: string): Promise<{ id: string; location: string; crn: string }> {
    return this.call('PUT', `/admin/workspaces/${encodeURIComponent(id)}`, { location, name });
  }
  workspaces(): Promise<{ id: string; name: string; location: string; crn: string }[]> {
    return this.call<{ workspaces: { id: string; name: string; location: string; crn: string }[] }>('GET', '/admin/workspaces').then((r) => r.workspaces);
  }
  tuneReplication(volumeGroup: string, tuning: { changeRateMBps?: number; cyclePeriodSeconds?: number; bandwidthMBps?: number }): Promise<void> {
    return this.call('PUT', `/admin/replication/${encodeURIComponent(volumeGroup)}`, tuning).then(() => undefined);
  }
  consistency(): Promise<{ ok: boolean; problems: string[] }> {
    return this.call('GET', '/admin/consistency');
  }
  stats(): Promise<{ requests: number; injected: Record<string, number>; afterCommit: number }> {
    return this.call('GET', '/admin/stats');
  }
  clock(): Promise<{ nowMs: number; now: string; timeScale: number }> {
    return this.call('GET', '/admin/clock');
  }
}
