// The routes the simulator serves. API_ROUTES are operations of IBM's PowerVS API, written as
// its spec writes them (power-go-client: method and path template), each answered with the
// status and model the spec declares. Every region is served under its own prefix,
// `/<region>/pcloud/…`, as PowerVS has one endpoint per region. SIM_ONLY_ROUTES are the
// simulator's own, kept for speed and tests; a client never needs them (docs/simulator.md).

import type { Body } from './request.js';
import type { ApiResult, World } from './world.js';

export type Params = Readonly<Record<string, string>>;
export type RouteHandler = (w: World, p: Params, body: Body, q: URLSearchParams) => ApiResult;

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template, as the PowerVS spec writes it (`{cloud_instance_id}`, …). */
  readonly path: string;
  readonly handler: RouteHandler;
}

const CI = '/pcloud/v1/cloud-instances/{cloud_instance_id}';
const CI2 = '/pcloud/v2/cloud-instances/{cloud_instance_id}';
const r = (method: RouteSpec['method'], path: string, handler: RouteHandler): RouteSpec => ({ method, path, handler });

/** Operations of IBM's PowerVS API the simulator serves. */
export const API_ROUTES: readonly RouteSpec[] = [
  r('GET', '/pcloud/v1/locations/disaster-recovery', (w) => w.disasterRecoveryLocations()),
  r('GET', `${CI}/locations/disaster-recovery`, (w, p) => w.disasterRecoveryLocation(p.cloud_instance_id)),
  r('GET', `${CI}/stock-images`, (w, p) => w.listStockImages(p.cloud_instance_id)),
  r('GET', `${CI}/stock-images/{image_id}`, (w, p) => w.getStockImage(p.cloud_instance_id, p.image_id)),
  r('GET', `${CI}/pvm-instances`, (w, p) => w.listVms(p.cloud_instance_id)),
  r('POST', `${CI}/pvm-instances`, (w, p, b) => w.createVm(p.cloud_instance_id, b)),
  r('GET', `${CI}/pvm-instances/{pvm_instance_id}`, (w, p) => w.getVm(p.cloud_instance_id, p.pvm_instance_id)),
  r('PUT', `${CI}/pvm-instances/{pvm_instance_id}`, (w, p, b) => w.updateVm(p.cloud_instance_id, p.pvm_instance_id, b)),
  r('DELETE', `${CI}/pvm-instances/{pvm_instance_id}`, (w, p) => w.deleteVm(p.cloud_instance_id, p.pvm_instance_id)),
  r('POST', `${CI}/pvm-instances/{pvm_instance_id}/action`, (w, p, b) => w.vmAction(p.cloud_instance_id, p.pvm_instance_id, b)),
  r('POST', `${CI2}/pvm-instances/{pvm_instance_id}/volumes`, (w, p, b) => w.attachVolumes(p.cloud_instance_id, p.pvm_instance_id, b)),
  r('GET', `${CI}/volumes`, (w, p) => w.listVolumes(p.cloud_instance_id)),
  r('POST', `${CI}/volumes`, (w, p, b) => w.createVolume(p.cloud_instance_id, b)),
  r('GET', `${CI}/volumes/onboarding`, (w, p) => w.listOnboardings(p.cloud_instance_id)),
  r('POST', `${CI}/volumes/onboarding`, (w, p, b) => w.onboardVolumes(p.cloud_instance_id, b)),
  r('GET', `${CI}/volumes/onboarding/{volume_onboarding_id}`, (w, p) => w.getOnboarding(p.cloud_instance_id, p.volume_onboarding_id)),
  r('GET', `${CI}/volumes/{volume_id}`, (w, p) => w.getVolume(p.cloud_instance_id, p.volume_id)),
  r('PUT', `${CI}/volumes/{volume_id}`, (w, p, b) => w.updateVolume(p.cloud_instance_id, p.volume_id, b)),
  r('DELETE', `${CI}/volumes/{volume_id}`, (w, p) => w.deleteVolume(p.cloud_instance_id, p.volume_id)),
  r('POST', `${CI}/volumes/{volume_id}/action`, (w, p, b) => w.volumeAction(p.cloud_instance_id, p.volume_id, b)),
  r('POST', `${CI2}/volumes/clone`, (w, p, b) => w.cloneVolumes(p.cloud_instance_id, b)),
  r('GET', `${CI2}/volumes/clone-tasks/{clone_task_id}`, (w, p) => w.getCloneTask(p.cloud_instance_id, p.clone_task_id)),
  r('GET', `${CI}/volume-groups`, (w, p) => w.listVolumeGroups(p.cloud_instance_id)),
  r('GET', `${CI}/volume-groups/details`, (w, p) => w.listVolumeGroupDetails(p.cloud_instance_id)),
  r('POST', `${CI}/volume-groups`, (w, p, b) => w.createVolumeGroup(p.cloud_instance_id, b)),
  r('GET', `${CI}/volume-groups/{volume_group_id}`, (w, p) => w.getVolumeGroup(p.cloud_instance_id, p.volume_group_id)),
  r('GET', `${CI}/volume-groups/{volume_group_id}/details`, (w, p) => w.getVolumeGroupDetails(p.cloud_instance_id, p.volume_group_id)),
  r('PUT', `${CI}/volume-groups/{volume_group_id}`, (w, p, b) => w.updateVolumeGroup(p.cloud_instance_id, p.volume_group_id, b)),
  r('DELETE', `${CI}/volume-groups/{volume_group_id}`, (w, p) => w.deleteVolumeGroup(p.cloud_instance_id, p.volume_group_id)),
  r('POST', `${CI}/volume-groups/{volume_group_id}/action`, (w, p, b) => w.volumeGroupAction(p.cloud_instance_id, p.volume_group_id, b)),
  r('GET', `${CI}/volume-groups/{volume_group_id}/storage-details`, (w, p) => w.storageDetails(p.cloud_instance_id, p.volume_group_id)),
  r('GET', `${CI}/volume-groups/{volume_group_id}/remote-copy-relationships`, (w, p) => w.remoteCopyRelationships(p.cloud_instance_id, p.volume_group_id)),
  r('GET', `${CI}/networks`, (w, p) => w.listNetworks(p.cloud_instance_id)),
  r('POST', `${CI}/networks`, (w, p, b) => w.createNetwork(p.cloud_instance_id, b)),
  r('GET', `${CI}/networks/{network_id}`, (w, p) => w.getNetwork(p.cloud_instance_id, p.network_id)),
  r('PUT', `${CI}/networks/{network_id}`, (w, p, b) => w.updateNetwork(p.cloud_instance_id, p.network_id, b)),
  r('DELETE', `${CI}/networks/{network_id}`, (w, p) => w.deleteNetwork(p.cloud_instance_id, p.network_id)),
];

/**
 * The simulator's own routes under a region, for speed: a held read that answers once a VM or a
 * volume group is out of transition (or `waitMs` real ms pass, at most 30 s), with the same model
 * as the real read. PowerVS has no such thing; a client polls the real read instead.
 */
export const SIM_ROUTES: readonly RouteSpec[] = [
  r('GET', '/sim/v1/cloud-instances/{cloud_instance_id}/pvm-instances/{pvm_instance_id}/settled', (w, p) => w.getVm(p.cloud_instance_id, p.pvm_instance_id)),
  r('GET', '/sim/v1/cloud-instances/{cloud_instance_id}/volume-groups/{volume_group_id}/settled', (w, p) =>
    w.getVolumeGroup(p.cloud_instance_id, p.volume_group_id),
  ),
];

/**
 * Every route that is not an operation of IBM's API, in one list: the contract tests allow these
 * and no others (docs/simulator.md, "Simulator-only routes").
 */
export const SIM_ONLY_PATHS: readonly { readonly method: string; readonly path: string; readonly why: string }[] = [
  { method: 'POST', path: '/identity/token', why: 'stand-in for IBM Cloud IAM: an API key for a bearer token' },
  ...SIM_ROUTES.map((s) => ({ method: s.method, path: `/{region}${s.path}`, why: 'held read: answers once the resource settles (long-poll)' })),
  { method: '*', path: '/admin/*', why: 'faults, event log, workspaces, replication tuning, consistency, stats, clock (admin token)' },
];

export interface CompiledRoute extends RouteSpec {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

export function compile(routes: readonly RouteSpec[]): CompiledRoute[] {
  return routes.map((rt) => {
    const names: string[] = [];
    const source = rt.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { ...rt, pattern: new RegExp(`^${source}$`), names };
  });
}
