// Workspaces (cloud instances) and the disaster-recovery locations: where each workspace
// lives and which data centre it replicates to.

import { badRequest, conflict } from './errors.js';
import type { WorkspaceRecord } from './records.js';
import { isKnownLocation, pairedLocation, REPLICATION_PAIRS } from './sites.js';
import { reconcileLinks } from './volume-groups.js';
import type { ApiResult, WorldCore } from './world-core.js';

export function ensureWorkspace(w: WorldCore, id: string, location: string, name?: string): WorkspaceRecord {
  if (!id || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) throw badRequest(`workspace id "${id}" is not valid`);
  if (!isKnownLocation(location)) throw badRequest(`location "${location}" is not a PowerVS data centre this simulator knows`);
  const existing = w.data.workspaces[id];
  if (existing) {
    if (existing.location !== location) throw conflict(`workspace "${id}" already exists in ${existing.location}`);
    return existing;
  }
  const rec: WorkspaceRecord = { id, name: name ?? id, location, createdMs: w.now() };
  w.put('workspaces', rec);
  reconcileLinks(w);
  return rec;
}

export function listWorkspaces(w: WorldCore): WorkspaceRecord[] {
  return Object.values(w.data.workspaces);
}

/** The CRN PowerVS gives a workspace, which clients send in the CRN header of every request to it. */
export function workspaceCrnOf(w: WorldCore, ws: WorkspaceRecord): string {
  return `crn:v1:bluemix:public:power-iaas:${ws.location}:a/${w.account}:${ws.id}::`;
}

export function disasterRecoveryLocation(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  return { status: 200, body: drLocation(ws.location) };
}

export function disasterRecoveryLocations(): ApiResult {
  const locations = REPLICATION_PAIRS.flatMap(([a, b]) => [a, b]).sort();
  return { status: 200, body: { disasterRecoveryLocations: locations.map(drLocation) } };
}

/** Workspace that holds the auxiliary copies for `ws`: the first one in the paired data centre. */
export function partnerWorkspace(w: WorldCore, ws: WorkspaceRecord): WorkspaceRecord {
  const pair = pairedLocation(ws.location);
  if (!pair) throw badRequest(`location ${ws.location} has no replication partner`);
  const partner = Object.values(w.data.workspaces)
    .filter((other) => other.location === pair)
    .sort((a, b) => a.createdMs - b.createdMs || a.id.localeCompare(b.id))[0];
  if (!partner) throw badRequest(`no workspace exists in ${pair}, the replication partner of ${ws.location}, to hold the auxiliary copy`);
  return partner;
}

function drLocation(location: string) {
  const pair = pairedLocation(location);
  return { location, replicationSites: pair ? [{ isActive: true, location: pair }] : [] };
}
