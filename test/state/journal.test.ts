import { describe, expect, it } from 'vitest';
import { emptyState, encodeJournalEntry, encodeJournalHeader, foldJournal, StateUnusableError, type DrState, type StateResource } from '../../src/state/index.js';

const LINEAGE = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
const vm = (name: string, processors = 2): StateResource => ({
  address: `vm.${name}`,
  type: 'vm',
  name,
  id: `pvm-${name}`,
  attributes: { processors },
  dependencies: [],
  sensitiveAttributes: [],
});
const snapshot = (serial: number, resources: StateResource[] = []): DrState => ({ ...emptyState(LINEAGE, '0.1.0'), serial, resources });
const header = (serial: number, lineage = LINEAGE) => encodeJournalHeader({ lineage, serial });

function failure(fn: () => unknown): StateUnusableError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StateUnusableError) return e;
    throw e;
  }
  throw new Error('expected an unusable-state error');
}

describe('foldJournal', () => {
  it('applies upserts, removals, lifecycles and outputs in order', () => {
    const records = [
      header(3),
      encodeJournalEntry({ op: 'upsert', resource: vm('b') }, LINEAGE),
      encodeJournalEntry({ op: 'upsert', resource: vm('a', 8) }, LINEAGE),
      encodeJournalEntry({ op: 'remove', address: 'vm.old' }, LINEAGE),
      encodeJournalEntry({ op: 'lifecycle', key: 'site.home', snapshot: { value: 'failingOver' } }, LINEAGE),
      encodeJournalEntry({ op: 'output', name: 'ip', output: { value: '10.0.0.1', sensitive: false } }, LINEAGE),
    ];
    const fold = foldJournal(snapshot(3, [vm('a'), vm('old')]), records, false, 'j');
    expect(fold.status).toBe('folded');
    expect(fold.entries).toBe(5);
    expect(fold.state.serial).toBe(3);
    expect(fold.state.resources.map((r) => [r.address, r.attributes.processors])).toEqual([
      ['vm.a', 8],
      ['vm.b', 2],
    ]);
    expect(fold.state.lifecycles).toEqual({ 'site.home': { value: 'failingOver' } });
    expect(fold.state.outputs).toEqual({ ip: { value: '10.0.0.1', sensitive: false } });
  });

  it('ignores an incomplete last line, with a warning', () => {
    const records = [header(1), encodeJournalEntry({ op: 'upsert', resource: vm('a') }, LINEAGE)];
    const fold = foldJournal(snapshot(1), records, true, 'j');
    expect(fold.tornTail).toBe(true);
    expect(fold.entries).toBe(1);
    expect(fold.warnings.join()).toMatch(/incomplete/);
  });

  it('treats an unreadable last record (half a line, or NUL bytes after a crash) as torn', () => {
    const good = [header(1), encodeJournalEntry({ op: 'upsert', resource: vm('a') }, LINEAGE)];
    for (const tail of ['{"op":"upsert","resource":{"addr', '\0\0\0\0', '{"op":"upsert","resource":{"address":""}}']) {
      const fold = foldJournal(snapshot(1), [...good, tail], false, 'j');
      expect(fold.tornTail).toBe(true);
      expect(fold.state.resources.map((r) => r.address)).toEqual(['vm.a']);
    }
  });

  it('refuses a corrupt record in the middle, naming its line', () => {
    const records = [header(1), 'garbage', encodeJournalEntry({ op: 'upsert', resource: vm('a') }, LINEAGE)];
    const error = failure(() => foldJournal(snapshot(1), records, false, 'j'));
    expect(error.reason).toBe('journal-corrupt');
    expect(error.detail).toMatch(/Line 2/);
  });

  it('ignores a stale journal that the snapshot already contains', () => {
    const fold = foldJournal(snapshot(4, [vm('a')]), [header(3), encodeJournalEntry({ op: 'remove', address: 'vm.a' }, LINEAGE)], false, 'j');
    expect(fold.status).toBe('stale');
    expect(fold.state.resources).toHaveLength(1);
    expect(fold.warnings.join()).toMatch(/stale journal/);
  });

  it('refuses a journal of another lineage, or one ahead of the snapshot', () => {
    expect(failure(() => foldJournal(snapshot(1), [header(1, 'other')], false, 'j')).reason).toBe('journal-mismatch');
    expect(failure(() => foldJournal(snapshot(1), [header(2)], false, 'j')).reason).toBe('journal-ahead');
    expect(failure(() => foldJournal(null, [header(5)], false, 'j')).detail).toMatch(/state file is missing/);
  });

  it('recovers a first apply that crashed before any snapshot existed', () => {
    const fold = foldJournal(null, [header(0, 'fresh-lineage'), encodeJournalEntry({ op: 'upsert', resource: vm('a') }, 'fresh-lineage')], false, 'j');
    expect(fold.state.lineage).toBe('fresh-lineage');
    expect(fold.state.serial).toBe(0);
    expect(fold.state.resources).toHaveLength(1);
  });

  it('refuses records before the header or a second header', () => {
    expect(failure(() => foldJournal(snapshot(1), [encodeJournalEntry({ op: 'remove', address: 'vm.a' }, LINEAGE), header(1)], false, 'j')).reason).toBe('journal-corrupt');
    expect(failure(() => foldJournal(snapshot(1), [header(1), header(1), header(1)], false, 'j')).detail).toMatch(/second journal/);
  });
});
