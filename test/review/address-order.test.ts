// The order people read addresses in: instance indices by number (`vm.web[8]` before
// `vm.web[12]`), everything else by code unit, as the state file sorts.
import { describe, expect, it } from 'vitest';
import { compareAddresses } from '../../src/state/types.js';
import { compareAddressesForDisplay } from '../../src/review/address-order.js';
import { diffResources } from '../../src/plan/diff.js';
import type { DesiredResource } from '../../src/plan/desired.js';

describe('compareAddressesForDisplay', () => {
  it('sorts instance indices by number, and the rest as the state file does', () => {
    const addresses = [
      'vm.web[12]',
      'vm.web[8]',
      'vm.web[1]',
      'vm.web[10]',
      'vm.web[2]',
      'vm.db01',
      'site.home',
      'vm.web',
      'vm.web2',
      'vm.app[100]',
      'vm.app[99]',
      'vm.web[0]',
    ];
    expect([...addresses].sort(compareAddressesForDisplay)).toEqual([
      'site.home',
      'vm.app[99]',
      'vm.app[100]',
      'vm.db01',
      'vm.web',
      'vm.web2',
      'vm.web[0]',
      'vm.web[1]',
      'vm.web[2]',
      'vm.web[8]',
      'vm.web[10]',
      'vm.web[12]',
    ]);
    // The file's own order is unchanged (documented in docs/state.md): code units throughout.
    expect(['vm.web[8]', 'vm.web[12]'].sort(compareAddresses)).toEqual(['vm.web[12]', 'vm.web[8]']);
  });

  it('is a total order: antisymmetric, zero only for equal strings, digits outside brackets by code unit', () => {
    const xs = ['a[1]', 'a[10]', 'a[1]x', 'a[2]', 'a[2]]', 'a[10]x', 'a[9]', 'a1', 'a10', 'a[', 'a[]', 'a[1', 'a[12', 'a[1x]', 'a[1]0]', 'b'];
    for (const x of xs) {
      for (const y of xs) {
        const c = Math.sign(compareAddressesForDisplay(x, y));
        expect(c === -Math.sign(compareAddressesForDisplay(y, x))).toBe(true);
        expect(c === 0).toBe(x === y);
      }
    }
    // Transitive, so sorting is well defined.
    for (const x of xs)
      for (const y of xs)
        for (const z of xs) {
          if (compareAddressesForDisplay(x, y) < 0 && compareAddressesForDisplay(y, z) < 0) expect(compareAddressesForDisplay(x, z)).toBeLessThan(0);
        }
    expect(compareAddressesForDisplay('a10', 'a9')).toBeLessThan(0);
  });

  it('a plan lists vm.web[8] before vm.web[12]', () => {
    const desired: DesiredResource[] = [12, 8, 1, 10].map((i) => ({
      address: `vm.web[${i}]`,
      type: 'vm',
      name: `web[${i}]`,
      attributes: {},
      dependsOn: [],
      sensitiveAttributes: [],
    }));
    expect(diffResources(desired, []).map((c) => c.address)).toEqual(['vm.web[1]', 'vm.web[8]', 'vm.web[10]', 'vm.web[12]']);
  });
});
