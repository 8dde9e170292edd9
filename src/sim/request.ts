// Request validation: the checks every collection applies to a JSON body, each failing with a
// 400 that names the field and what it must be.

import { badRequest } from './errors.js';

export type Body = Record<string, unknown>;

export function str(body: Body, key: string, o: { max?: number } = {}): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`${key} is required and must be a non-empty string`);
  if (o.max !== undefined && v.length > o.max) throw badRequest(`${key} must be at most ${o.max} characters`);
  return v;
}

export function num(body: Body, key: string, o: { min: number; max: number }): number {
  const v = body[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${key} is required and must be a number`);
  if (v < o.min || v > o.max) throw badRequest(`${key} must be between ${o.min} and ${o.max}`);
  return v;
}

export function bool(body: Body, key: string, dflt: boolean): boolean {
  const v = body[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw badRequest(`${key} must be true or false`);
  return v;
}

export function enumOf<T extends string>(body: Body, key: string, allowed: readonly T[], dflt: T | undefined): T {
  const v = body[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw badRequest(`${key} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function optStrings(body: Body, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw badRequest(`${key} must be a list of strings`);
  return v as string[];
}

/**
 * The fields of each request model the simulator takes, a subset of IBM's (power-go-client
 * models of the same name). Any other key is refused with a 400, as the real API refuses keys
 * its model lacks; the contract tests check every name here is a field of the real model.
 */
export const ACCEPTED_FIELDS = {
  PVMInstanceCreate: [
    'serverName',
    'processors',
    'procType',
    'memory',
    'sysType',
    'imageID',
    'storageType',
    'networks',
    'volumeIDs',
    'userTags',
    'deploymentType',
  ],
  PVMInstanceAddNetwork: ['networkID', 'ipAddress'],
  PVMInstanceUpdate: ['serverName', 'processors', 'procType', 'memory'],
  PVMInstanceAction: ['action'],
  VolumesAttach: ['volumeIDs', 'bootVolumeID'],
  CreateDataVolume: ['name', 'size', 'diskType', 'shareable', 'replicationEnabled', 'userTags'],
  UpdateVolume: ['name', 'size', 'shareable', 'bootable'],
  VolumeAction: ['replicationEnabled'],
  VolumeOnboardingCreate: ['Volumes', 'description', 'userTags'],
  AuxiliaryVolumesForOnboarding: ['sourceCRN', 'auxiliaryVolumes'],
  AuxiliaryVolumeForOnboarding: ['auxVolumeName', 'name'],
  VolumesCloneAsyncRequest: ['name', 'volumeIDs', 'targetReplicationEnabled', 'userTags'],
  VolumeGroupCreate: ['name', 'consistencyGroupName', 'volumeIDs'],
  VolumeGroupUpdate: ['addVolumes', 'removeVolumes'],
  VolumeGroupAction: ['start', 'stop', 'reset'],
  VolumeGroupActionStart: ['source'],
  VolumeGroupActionStop: ['access'],
  VolumeGroupActionReset: ['status'],
  NetworkCreate: ['name', 'type', 'cidr', 'gateway', 'dnsServers', 'mtu', 'userTags'],
  NetworkUpdate: ['name', 'dnsServers'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type RequestModel = keyof typeof ACCEPTED_FIELDS;

/** Refuses a body (or nested object) with a key its model does not have, naming the key and the model. */
export function only(body: Body, model: RequestModel, where = ''): void {
  const allowed: readonly string[] = ACCEPTED_FIELDS[model];
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) throw badRequest(`unknown field "${where}${k}" in ${model} (it takes ${allowed.join(', ')})`);
  }
}

/** A nested object of a body, checked against its model. */
export function objectOf(v: unknown, model: RequestModel, where: string): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`${where} must be an object`);
  only(v as Body, model, `${where}.`);
  return v as Body;
}

/** IBM's rule for user tags (power-go-client models/tags.go): at most 100, each ≤ 128 of letters, digits, spaces, `:_.-`. */
const TAG = /^[\s]*[A-Za-z0-9:_.\-][A-Za-z0-9\s:_.\-]*$/;

export function userTags(body: Body): string[] | undefined {
  const tags = optStrings(body, 'userTags');
  if (tags === undefined) return undefined;
  if (tags.length > 100) throw badRequest('userTags holds at most 100 tags');
  for (const t of tags) if (t.length > 128 || !TAG.test(t)) throw badRequest(`user tag "${t}" is not valid: at most 128 letters, digits, spaces and :_.-`);
  return tags;
}
