// The pure parts of planning that the end-to-end tests found wrong: secrets stored as keyed
// hashes must not look changed, a move must keep them valid, and -destroy -target must walk to
// dependents, not dependencies.
import { describe, expect, it } from 'vitest';
import { changedAttributes, diffResources, jsonEqual, selectTargets } from '../../src/plan/diff.js';
import type { DesiredResource } from '../../src/plan/desired.js';
import { redact } from '../../src/state/sensitive.js';
import type { StateResource } from '../../src/state/types.js';
import type { JsonObject } from '../../src/state/json.js';

const LINEAGE = 'lineage-1';

function desired(address: string, attributes: JsonObject, extra: Partial<DesiredResource> = {}): DesiredResource {
  const [type, name] = address.split('.');
  return { address, type: type as DesiredResource['type'], name, attributes, dependsOn: [], sensitiveAttributes: [], ...extra };
}

function stored(address: string, attributes: JsonObject, extra: Partial<StateResource> = {}): StateResource {
  const [type, name] = address.split('.');
  return { address, type, name, id: `id-${name}`, attributes: { ...attributes, cloud: {} }, dependencies: [], sensitiveAttributes: [], ...extra };
}

describe('diffing against state', () => {
  it('a sensitive value whose stored hash matches is unchanged, and a different one is an update', () => {
    const marker = redact(LINEAGE, 'notification.ops', 'webhook', 'https://hook/secret');
    const state = [stored('notification.ops', { webhook: marker as unknown as JsonObject, events: ['a'] }, { sensitiveAttributes: ['webhook'] })];
    const same = diffResources([desired('notification.ops', { webhook: 'https://hook/secret', events: ['a'] }, { sensitiveAttributes: ['webhook'] })], state, {
      lineage: LINEAGE,
    });
    expect(same.map((c) => c.action)).toEqual(['no-op']);
    const other = diffResources([desired('notification.ops', { webhook: 'https://hook/other', events: ['a'] }, { sensitiveAttributes: ['webhook'] })], state, {
      lineage: LINEAGE,
    });
    expect(other.map((c) => c.action)).toEqual(['update']);
    // Without the lineage the hash cannot be checked, so the value counts as changed.
    expect(diffResources([desired('notification.ops', { webhook: 'https://hook/secret', events: ['a'] })], state).map((c) => c.action)).toEqual(['update']);
  });

  it('a hash made for the old address still matches after a moved block renames the resource', () => {
    const marker = redact(LINEAGE, 'notification.ops', 'webhook', 's');
    const state = [stored('notification.oncall', { webhook: marker as unknown as JsonObject })];
    const d = [desired('notification.oncall', { webhook: 's' })];
    expect(diffResources(d, state, { lineage: LINEAGE }).map((c) => c.action)).toEqual(['update']);
    expect(diffResources(d, state, { lineage: LINEAGE, movedFrom: new Map([['notification.oncall', 'notification.ops']]) }).map((c) => c.action)).toEqual([
      'no-op',
    ]);
  });

  it("a VM's networks cannot change in place (the provider cannot attach them): that is a replace", () => {
    const state = [stored('vm.a', { memory_gb: 8, networks: ['network.app'] })];
    const c = diffResources([desired('vm.a', { memory_gb: 16, networks: ['network.app', 'network.db'] })], state, { lineage: LINEAGE })[0];
    expect([c.action, c.actionReason, c.replaceAttributes]).toEqual(['replace', 'replace_because_cannot_update', ['networks']]);
    const memoryOnly = diffResources([desired('vm.a', { memory_gb: 16, networks: ['network.app'] })], state, { lineage: LINEAGE })[0];
    expect(memoryOnly.action).toBe('update');
  });

  it('changedAttributes ignores key order, counts a missing key as null, and sees nested changes', () => {
    expect(changedAttributes({ a: { x: 1, y: [1, 2] }, b: 2 }, { b: 2, a: { y: [1, 2], x: 1 } })).toEqual([]);
    expect(changedAttributes({ a: null }, {})).toEqual([]);
    expect(changedAttributes({}, { a: null, b: 0 })).toEqual(['b']);
    expect(changedAttributes({ a: { x: [1, 2] } }, { a: { x: [2, 1] } })).toEqual(['a']);
    expect(jsonEqual([1, { a: 'x' }], [1, { a: 'x' }])).toBe(true);
    expect(jsonEqual({ a: 1 }, [1] as never)).toBe(false);
    expect(jsonEqual({ a: 1, b: undefined } as never, { a: 1, c: 2 })).toBe(false);
  });
});

describe('-target', () => {
  // site ← network ← vm.a, vm.b;  vm.a ← plan
  const state = [
    stored('site.home', {}),
    stored('network.app', {}, { dependencies: ['site.home'] }),
    stored('vm.a', {}, { dependencies: ['network.app', 'site.home'] }),
    stored('vm.b', {}, { dependencies: ['network.app', 'site.home'] }),
    stored('recovery_plan.p', {}, { dependencies: ['vm.a'] }),
  ];
  const config = [
    desired('site.home', { x: 1 }),
    desired('network.app', { x: 1 }, { dependsOn: ['site.home'] }),
    desired('vm.a', { x: 1 }, { dependsOn: ['network.app', 'site.home'] }),
    desired('vm.b', { x: 1 }, { dependsOn: ['network.app', 'site.home'] }),
    desired('recovery_plan.p', { x: 1 }, { dependsOn: ['vm.a'] }),
  ];

  it('keeps the target and what it depends on', () => {
    const all = diffResources(config, state, { lineage: LINEAGE });
    expect(selectTargets(all, ['vm.a']).map((c) => c.address)).toEqual(['network.app', 'site.home', 'vm.a']);
  });

  it('with -destroy keeps the target and what depends on it', () => {
    const all = diffResources(config, state, { destroy: true, lineage: LINEAGE });
    expect(selectTargets(all, ['vm.a']).map((c) => c.address)).toEqual(['recovery_plan.p', 'vm.a']);
    expect(selectTargets(all, ['network.app']).map((c) => c.address)).toEqual(['network.app', 'recovery_plan.p', 'vm.a', 'vm.b']);
  });

  it('a delete waits for the deletion of what depended on it', () => {
    const all = diffResources(config, state, { destroy: true, lineage: LINEAGE });
    expect(all.find((c) => c.address === 'network.app')?.dependsOn).toEqual(['vm.a', 'vm.b']);
    expect(all.find((c) => c.address === 'site.home')?.dependsOn).toEqual(['network.app', 'vm.a', 'vm.b']);
  });
});
