import { describe, expect, it } from 'vitest';
import { referencesOf } from '../../src/hcl/references.js';
import { parse, rangeOf } from './build.js';

/** References as "root.path…" strings, in order. */
const refs = (src: string) =>
  referencesOf(parse(src)).map((r) => [r.root, ...r.path.map((p) => (typeof p === 'number' ? `[${p}]` : p))].join('.').replace(/\.\[/g, '['));

describe('referencesOf', () => {
  it('finds each traversal in a list, with its range', () => {
    const src = '[vm.db01, vm.app01]';
    expect(referencesOf(parse(src))).toEqual([
      { root: 'vm', path: ['db01'], range: rangeOf(src, 'vm.db01') },
      { root: 'vm', path: ['app01'], range: rangeOf(src, 'vm.app01') },
    ]);
  });

  it('follows attribute and literal index steps, including the legacy .0 form', () => {
    expect(refs('vm.db[0].ip')).toEqual(['vm.db[0].ip']);
    expect(refs('var.map["home"].cidr')).toEqual(['var.map.home.cidr']);
    expect(refs('local.list.0.name')).toEqual(['local.list[0].name']);
    const src = 'x + site.home.location';
    expect(referencesOf(parse(src))[1].range).toEqual(rangeOf(src, 'site.home.location'));
  });

  it('stops at a dynamic index and reports what the index refers to', () => {
    const src = 'local.m[var.k].x';
    expect(refs(src)).toEqual(['local.m', 'var.k']);
    expect(referencesOf(parse(src))[0].range).toEqual(rangeOf(src, 'local.m'));
  });

  it('reports the source of a splat, not its per-element steps', () => {
    expect(refs('vm.db[*].ip')).toEqual(['vm.db']);
    expect(refs('vm.all.*.networks[0]')).toEqual(['vm.all']);
    expect(refs('vm.all[*].disks[var.i]')).toEqual(['vm.all', 'var.i']);
  });

  it('excludes names bound by for expressions, but not the collection', () => {
    expect(refs('[for v in vm.list : v.name if var.on]')).toEqual(['vm.list', 'var.on']);
    expect(refs('{ for k, v in var.m : k => "${v}-${local.suffix}" }')).toEqual(['var.m', 'local.suffix']);
    // Outside the for, the same name is a reference again.
    expect(refs('concat([for v in x : v], [v])')).toEqual(['x', 'v']);
    expect(refs('[for a in x : [for b in a : b + c]]')).toEqual(['x', 'c']);
  });

  it('excludes names bound by template for directives', () => {
    expect(refs('"%{ for ip in var.ips }${ip} ${local.port}%{ endfor }"')).toEqual(['var.ips', 'local.port']);
    expect(refs('"%{ if var.on }${local.a}%{ else }${local.b}%{ endif }"')).toEqual(['var.on', 'local.a', 'local.b']);
  });

  it('ignores bare object keys (they are names) but not parenthesised ones', () => {
    expect(refs('{ site = site.home, (var.key) = 1, "x" = local.y }')).toEqual(['site.home', 'var.key', 'local.y']);
  });

  it('looks inside every kind of expression', () => {
    expect(refs('!a.x ? b[0] : -c * d(e, f...) == "${g}"')).toEqual(['a.x', 'b[0]', 'c', 'e', 'f', 'g']);
    expect(refs('(vm.db01).site')).toEqual(['vm.db01']);
    expect(refs('"plain" + 1')).toEqual([]);
  });

  it('reports every occurrence, in source order', () => {
    expect(refs('[var.a, var.a, var.b]')).toEqual(['var.a', 'var.a', 'var.b']);
  });
});
