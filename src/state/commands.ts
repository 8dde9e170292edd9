// The operations behind `drctl state …` and `drctl force-unlock`: plain functions over a
// StateBackend and options, never flags or a terminal. Reading ones never lock. Changing ones
// take the lock (named for the command, so a blocked run sees who holds it) and write through
// StateSession: each change is journaled, then one commit writes the snapshot with serial + 1.
// Domain errors (a held lock, no state) are thrown as they are; services/errors.ts is the one
// place that turns them into the user's errors.

import { suggestName, UserError } from '../diag/index.js';
import type { StateBackend } from './backend.js';
import { LockMismatchError, StateMissingError, StateUnusableError, type LockInfo } from './errors.js';
import { parseState, serializeState, stateContentKey } from './format.js';
import type { JsonValue } from './json.js';
import { isRedacted } from './sensitive.js';
import { openState, readState, type ReadStateResult, type StateSession } from './session.js';
import { compareAddresses, type DrState, type StateResource } from './types.js';

// ------------------------------------------------------------------------------- addresses

const IDENT = '[A-Za-z_][A-Za-z0-9_-]*';
const INSTANCE = new RegExp(`^(${IDENT})\\.(${IDENT})(\\[(?:\\d+|"(?:[^"\\\\]|\\\\.)*")\\])?$`);
const TYPE_ONLY = new RegExp(`^${IDENT}$`);

export interface ResourceAddress {
  readonly type: string;
  /** "type.name", without an instance key. */
  readonly base: string;
  /** The instance key as written ("[0]", "[\"a\"]"), or '' for the whole resource. */
  readonly key: string;
}

/** "vm.app[0]" → {type: "vm", base: "vm.app", key: "[0]"}; undefined when it is not an address. */
export function parseResourceAddress(text: string): ResourceAddress | undefined {
  const m = INSTANCE.exec(text);
  return m ? { type: m[1], base: `${m[1]}.${m[2]}`, key: m[3] ?? '' } : undefined;
}

/**
 * Whether `address` is selected by `pattern`, as in `terraform state list`: the address itself,
 * a resource without its instance key (`vm.app` selects vm.app[0], vm.app[1], …), or a type (`vm`).
 */
export function addressMatches(address: string, pattern: string): boolean {
  if (address === pattern) return true;
  if (!pattern.includes('.')) return address.startsWith(`${pattern}.`);
  return !pattern.includes('[') && address.startsWith(`${pattern}[`);
}

function checkAddress(text: string, what: string): ResourceAddress {
  const a = parseResourceAddress(text);
  if (!a) {
    throw new UserError(`"${text}" is not a resource address; ${what}.`, ['Addresses look like vm.db01 or vm.app[0]; list them with: drctl state list']);
  }
  return a;
}

function notInState(addresses: readonly string[], resources: readonly StateResource[], changing: boolean): UserError {
  const candidates = candidateAddresses(resources);
  const described = addresses.map((a) => ({ a, s: suggestName(a, candidates) }));
  const subject =
    described.length === 1
      ? `No resource ${described[0].a} in the state.${described[0].s === undefined ? '' : ` Did you mean "${described[0].s}"?`}`
      : `These addresses are not in the state: ${described.map(({ a, s }) => (s === undefined ? a : `${a} (did you mean "${s}"?)`)).join(', ')}.`;
  return new UserError(`${subject}${changing ? ' Nothing was changed.' : ''}`, ['List what the state holds with: drctl state list']);
}

/** What a user may have meant: every address, and every counted resource without its key. */
function candidateAddresses(resources: readonly StateResource[]): string[] {
  const out = new Set<string>();
  for (const r of resources) {
    out.add(r.address);
    const base = parseResourceAddress(r.address)?.base;
    if (base) out.add(base);
  }
  return [...out];
}

async function readExisting(backend: StateBackend): Promise<ReadStateResult> {
  // No state is a StateMissingError: services turn it into the user's error, with next steps.
  return readState(backend);
}

// ------------------------------------------------------------------------------- list

export interface ListOptions {
  /** Addresses, resources or types; none lists everything. */
  readonly patterns: readonly string[];
  /** Only resources with this provider id (`-id`). */
  readonly id?: string;
}

export interface ListResult {
  /** Sorted. */
  readonly addresses: readonly string[];
  /** Patterns that selected nothing, with a suggestion where one is close. */
  readonly unmatched: ReadonlyArray<{ readonly pattern: string; readonly suggestion?: string }>;
  readonly warnings: readonly string[];
}

export async function listState(backend: StateBackend, opts: ListOptions): Promise<ListResult> {
  for (const p of opts.patterns) {
    if (!TYPE_ONLY.test(p) && !parseResourceAddress(p)) {
      throw new UserError(`"${p}" is not an address, a resource or a type.`, ['Write e.g. vm.db01, vm.app (every instance of it) or vm (every VM).']);
    }
  }
  const read = await readExisting(backend);
  const resources = read.state.resources.filter((r) => opts.id === undefined || r.id === opts.id);
  const addresses = resources
    .filter((r) => opts.patterns.length === 0 || opts.patterns.some((p) => addressMatches(r.address, p)))
    .map((r) => r.address)
    .sort(compareAddresses);
  const all = candidateAddresses(read.state.resources);
  for (const r of read.state.resources) all.push(r.type);
  const unmatched = opts.patterns
    .filter((p) => !resources.some((r) => addressMatches(r.address, p)))
    .map((pattern) => ({ pattern, suggestion: suggestName(pattern, all) }));
  return { addresses, unmatched, warnings: read.warnings };
}

// ------------------------------------------------------------------------------- show

export interface ShowResult {
  readonly resource: StateResource;
  /** Terraform's `state show` text: `# vm.db01:` then the resource as an HCL block. */
  readonly text: string;
  readonly warnings: readonly string[];
}

export async function showStateResource(backend: StateBackend, address: string): Promise<ShowResult> {
  const parsed = checkAddress(address, 'state show takes the address of one resource');
  const read = await readExisting(backend);
  const resources = read.state.resources;
  const found = resources.find((r) => r.address === address);
  if (!found) {
    const instances = parsed.key === '' ? resources.filter((r) => r.address.startsWith(`${address}[`)) : [];
    if (instances.length > 0) {
      throw new UserError(`${address} has ${instances.length} instances; state show shows one.`, [`Name one of them: ${instances.map((r) => r.address).join(', ')}`]);
    }
    throw notInState([address], resources, false);
  }
  return { resource: found, text: renderResourceText(found), warnings: read.warnings };
}

export interface StateView {
  readonly state: DrState;
  /** The whole state as `terraform show` prints it: every resource, then the outputs. */
  readonly text: string;
  readonly warnings: readonly string[];
}

/** `show` without a plan: every resource in address order (instances by number), then the outputs. */
export async function showState(backend: StateBackend): Promise<StateView> {
  const read = await readExisting(backend);
  const state = effectiveState(read);
  const resources = [...state.resources].sort((a, b) => compareInstanceAddresses(a.address, b.address));
  const parts = resources.map((r) => renderResourceText(r));
  const names = Object.keys(state.outputs).sort(compareAddresses);
  if (names.length) {
    const width = Math.max(...names.map((n) => n.length));
    const lines = names.map((n) => `${n.padEnd(width)} = ${state.outputs[n].sensitive ? SENSITIVE_TEXT : renderValue(state.outputs[n].value, '')}`);
    parts.push(`Outputs:\n\n${lines.join('\n')}\n`);
  }
  const text = parts.length ? parts.join('\n') : 'The state is empty: nothing has been applied yet.\n';
  return { state, text, warnings: read.warnings };
}

/** The outputs the state records (sensitive ones as their redaction marker: state never holds the value). */
export async function readOutputs(backend: StateBackend): Promise<{ readonly outputs: DrState['outputs']; readonly warnings: readonly string[] }> {
  const read = await readExisting(backend);
  return { outputs: effectiveState(read).outputs, warnings: read.warnings };
}

/** Address order for people: `vm.app[8]` before `vm.app[12]` (the file itself keeps code-unit order). */
export function compareInstanceAddresses(a: string, b: string): number {
  const ma = /^(.*)\[(\d+)\]$/.exec(a);
  const mb = /^(.*)\[(\d+)\]$/.exec(b);
  if (ma && mb && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2]);
  return compareAddresses(ma ? ma[1] : a, mb ? mb[1] : b) || compareAddresses(a, b);
}

const SENSITIVE_TEXT = '(sensitive value)';
const INDENT = '    ';
const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A resource as Terraform's `state show` prints one: aligned `name = value`, secrets as (sensitive value). */
export function renderResourceText(resource: StateResource): string {
  const base = parseResourceAddress(resource.address)?.base ?? resource.address;
  const label = base.slice(resource.type.length + 1) || resource.name;
  const entries: Array<[string, JsonValue]> = [['id', resource.id]];
  for (const key of Object.keys(resource.attributes).sort(compareAddresses)) {
    if (key !== 'id') entries.push([key, resource.attributes[key]]);
  }
  const names = entries.map(([k]) => (BARE_NAME.test(k) ? k : JSON.stringify(k)));
  const width = Math.max(...names.map((n) => n.length));
  const body = entries.map(([, v], i) => `${INDENT}${names[i].padEnd(width)} = ${renderValue(v, INDENT)}\n`).join('');
  return `# ${resource.address}:\n${resource.type} ${JSON.stringify(label)} {\n${body}}\n`;
}

function renderValue(value: JsonValue, indent: string): string {
  if (isRedacted(value)) return SENSITIVE_TEXT;
  if (value === null) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value !== 'object') return String(value);
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${renderValue(v, inner)},\n`).join('')}${indent}]`;
  }
  const keys = Object.keys(value).sort(compareAddresses);
  if (keys.length === 0) return '{}';
  const quoted = keys.map((k) => hclString(k));
  const width = Math.max(...quoted.map((k) => k.length));
  return `{\n${keys.map((k, i) => `${inner}${quoted[i].padEnd(width)} = ${renderValue(value[k], inner)}\n`).join('')}${indent}}`;
}

/** A quoted HCL string: JSON escapes, plus `$${` and `%%{` so no template sequence is read back. */
function hclString(s: string): string {
  return JSON.stringify(s).replace(/([$%])\{/g, (_, sigil: string) => `${sigil}${sigil}{`);
}

// ------------------------------------------------------------------------------- rm and mv

export interface LockedChangeOptions {
  /** Written into the state with the change. */
  readonly drctlVersion: string;
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Work out and report the change without locking or writing. */
  readonly dryRun?: boolean;
}

export interface ChangeResult {
  /** Whether a new snapshot was written (false for a dry run). */
  readonly written: boolean;
  /** The serial of the state after the command. */
  readonly serial: number;
  readonly warnings: readonly string[];
}

export interface RemoveResult extends ChangeResult {
  /** Sorted. */
  readonly removed: readonly string[];
}

/**
 * `state rm`: forgets resources without destroying them. Each address is one instance or a whole
 * resource (all its instances); when any matches nothing, nothing is removed. Lifecycle snapshots
 * kept under a removed address go with it.
 */
export async function removeFromState(backend: StateBackend, addresses: readonly string[], opts: LockedChangeOptions): Promise<RemoveResult> {
  if (addresses.length === 0) throw new UserError('state rm needs at least one address.', ['For example: drctl state rm vm.db01']);
  for (const a of addresses) checkAddress(a, 'state rm takes resource addresses');
  if (opts.dryRun) {
    const read = await readExisting(backend);
    return { removed: selectForRemoval(read.state.resources, addresses), written: false, serial: read.state.serial, warnings: read.warnings };
  }
  return withLockedSession(backend, 'state rm', opts, async (session) => {
    const removed = selectForRemoval(session.resources, addresses);
    // Queued together so the journal takes them in one group commit, not one fsync each.
    await Promise.all(removed.flatMap((address) => [session.remove(address), session.setLifecycle(address, undefined)]));
    return { removed };
  });
}

function selectForRemoval(resources: readonly StateResource[], addresses: readonly string[]): string[] {
  const selected = new Set<string>();
  const missing: string[] = [];
  for (const a of addresses) {
    const exact = resources.find((r) => r.address === a);
    const matches = exact ? [exact] : parseResourceAddress(a)!.key === '' ? resources.filter((r) => r.address.startsWith(`${a}[`)) : [];
    if (matches.length === 0) missing.push(a);
    for (const r of matches) selected.add(r.address);
  }
  if (missing.length > 0) throw notInState(missing, resources, true);
  return [...selected].sort(compareAddresses);
}

export interface Move {
  readonly from: string;
  readonly to: string;
}

export interface MoveResult extends ChangeResult {
  readonly moves: readonly Move[];
}

/**
 * `state mv`: renames a resource, or a whole counted resource (vm.app → vm.web moves every
 * instance, keeping its key), within one type. Dependencies of other resources and lifecycle
 * snapshots follow the rename, so destroy order and resumable runs survive it.
 */
export async function moveInState(backend: StateBackend, from: string, to: string, opts: LockedChangeOptions): Promise<MoveResult> {
  const src = checkAddress(from, 'state mv takes a source and a destination address');
  const dst = checkAddress(to, 'state mv takes a source and a destination address');
  if (src.type !== dst.type) {
    throw new UserError(`Cannot move ${from} to ${to}: a ${src.type} cannot become a ${dst.type}.`, ['state mv renames within one resource type.']);
  }
  if (from === to) throw new UserError(`${from} and ${to} are the same address; nothing to move.`);
  if (opts.dryRun) {
    const read = await readExisting(backend);
    return { moves: planMoves(read.state.resources, from, to), written: false, serial: read.state.serial, warnings: read.warnings };
  }
  return withLockedSession(backend, 'state mv', opts, async (session) => {
    const moves = planMoves(session.resources, from, to);
    const moved = new Map(moves.map((m) => [m.from, m.to]));
    // A dependency on the whole resource (vm.app) follows a whole-resource move too.
    if (src.key === '' && dst.key === '') moved.set(from, to);
    const records = moves.map((m) => ({ move: m, resource: session.resource(m.from)! }));
    // Journal order is call order; awaiting once lets the journal group-commit the lot.
    const writes: Promise<void>[] = [];
    for (const { move } of records) writes.push(session.remove(move.from));
    for (const { move, resource } of records) {
      writes.push(session.upsert({ ...resource, address: move.to, name: move.to.slice(resource.type.length + 1) }));
      const lifecycle = session.lifecycle(move.from);
      if (lifecycle !== undefined) writes.push(session.setLifecycle(move.to, lifecycle), session.setLifecycle(move.from, undefined));
    }
    for (const r of session.resources) {
      if (r.dependencies.some((d) => moved.has(d))) writes.push(session.upsert({ ...r, dependencies: r.dependencies.map((d) => moved.get(d) ?? d) }));
    }
    await Promise.all(writes);
    return { moves };
  });
}

function planMoves(resources: readonly StateResource[], from: string, to: string): Move[] {
  const src = parseResourceAddress(from)!;
  const dst = parseResourceAddress(to)!;
  let moves: Move[];
  if (resources.some((r) => r.address === from)) {
    moves = [{ from, to }];
  } else {
    const instances = src.key === '' ? resources.filter((r) => r.address.startsWith(`${from}[`)) : [];
    if (instances.length === 0) throw notInState([from], resources, true);
    if (dst.key !== '') {
      throw new UserError(`Cannot move the ${instances.length} instances of ${from} into the one instance ${to}.`, [`Move them all with: drctl state mv ${from} ${dst.base}, or move one instance at a time.`]);
    }
    moves = instances.map((r) => ({ from: r.address, to: to + r.address.slice(from.length) }));
  }
  const leaving = new Set(moves.map((m) => m.from));
  const staying = resources.filter((r) => !leaving.has(r.address)).map((r) => r.address);
  const stayingSet = new Set(staying);
  for (const m of moves) {
    if (stayingSet.has(m.to)) {
      throw new UserError(`Cannot move ${m.from} to ${m.to}: the state already holds ${m.to}. Nothing was changed.`, ['Remove it first with drctl state rm, or choose another address.']);
    }
  }
  // A resource is either one object or counted instances, never both.
  const clash = dst.key === '' ? staying.find((a) => a.startsWith(`${dst.base}[`)) : staying.find((a) => a === dst.base);
  if (clash) {
    throw new UserError(`Cannot move ${from} to ${to}: the state already holds ${clash}, and ${dst.base} cannot be both one resource and counted instances. Nothing was changed.`, [
      'Move or remove that resource first.',
    ]);
  }
  return moves;
}

async function withLockedSession<T extends object>(
  backend: StateBackend,
  operation: string,
  opts: LockedChangeOptions,
  change: (session: StateSession) => Promise<T>,
): Promise<T & ChangeResult> {
  // Checked before locking too, so a mistyped path does not leave a new directory behind.
  if (!(await stateExists(backend))) throw new StateMissingError(backend.location);
  const session = await openState(backend, {
    drctlVersion: opts.drctlVersion,
    lock: { operation },
    lockTimeoutMs: opts.lockTimeoutMs,
    signal: opts.signal,
  });
  try {
    // openState starts an empty state where there is none; these commands need a real one.
    if (!(await stateExists(backend))) throw new StateMissingError(backend.location);
    const result = await change(session);
    const commit = await session.commit();
    return { ...result, written: commit.written, serial: commit.serial, warnings: session.warnings };
  } finally {
    await session.close();
  }
}

async function stateExists(backend: StateBackend): Promise<boolean> {
  if ((await backend.read()) !== null) return true;
  const journal = await backend.readJournal();
  return journal.records.length > 0 || journal.incompleteTail;
}

// ------------------------------------------------------------------------------- pull and push

export interface PullResult {
  /** The state file text, canonical (byte for byte what drctl writes). */
  readonly text: string;
  readonly warnings: readonly string[];
}

/**
 * `state pull`: the latest state as file text. When an interrupted run left journaled changes,
 * they are included, with the serial the next write will give them.
 */
export async function pullState(backend: StateBackend): Promise<PullResult> {
  const read = await readExisting(backend);
  return { text: serializeState(effectiveState(read)), warnings: read.warnings };
}

/** The state as it really is: journaled changes of an interrupted run count as one more write. */
function effectiveState(read: ReadStateResult): DrState {
  return read.journal.status === 'folded' && read.snapshot ? { ...read.state, serial: read.snapshot.serial + 1 } : read.state;
}

export interface PushOptions {
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Replace the state even when the lineage differs, the serial is lower, or the current state is unusable. */
  readonly force?: boolean;
}

export interface PushResult {
  readonly written: boolean;
  readonly serial: number;
  readonly lineage: string;
  readonly resources: number;
  /** The state that was replaced (null when there was none, or it was unusable). */
  readonly replaced: { readonly serial: number; readonly lineage: string } | null;
  readonly warnings: readonly string[];
}

/**
 * `state push`: replaces the state with `text` (read from `source`), under the lock. As in
 * Terraform it refuses another lineage, a lower serial, and the same serial with other content,
 * unless forced. The serial written never goes backwards within a lineage: a forced push of an
 * older state gets the next serial, so a saved plan made against the newer one is refused.
 */
export async function pushState(backend: StateBackend, text: string, source: string, opts: PushOptions = {}): Promise<PushResult> {
  const parsed = parseState(text, source);
  if (!parsed.ok) {
    const e = parsed.error;
    const at = e.pos ? ` (line ${e.pos.line}, column ${e.pos.column})` : '';
    throw new UserError(`Cannot push ${source}${at}: it is not a usable drctl state file: ${e.summary}.`, [e.detail]);
  }
  const incoming = parsed.state;
  const grant = await backend.lock({ operation: 'state push' }, { timeoutMs: opts.lockTimeoutMs, signal: opts.signal });
  const warnings = [...grant.warnings];
  try {
    let current: ReadStateResult | null = null;
    try {
      current = await readState(backend);
    } catch (err) {
      if (err instanceof StateUnusableError) {
        if (!opts.force) {
          throw new UserError(`The state at ${backend.location} is unusable (${err.summary}), so ${source} cannot be checked against it.`, [
            err.detail,
            `To replace it with ${source} anyway, pass -force.`,
          ]);
        }
        warnings.push(`Replaced an unusable state (${err.summary}).`);
      } else if (!(err instanceof StateMissingError)) {
        throw err;
      }
    }
    const journal = await backend.readJournal();
    const journalPresent = journal.records.length > 0 || journal.incompleteTail;
    let serial = incoming.serial;
    if (current) {
      warnings.push(...current.warnings);
      const now = effectiveState(current);
      const sameLineage = now.lineage === incoming.lineage;
      const sameContent = sameLineage && stateContentKey(now) === stateContentKey(incoming);
      if (!opts.force) {
        if (!sameLineage) {
          throw new UserError(`Cannot push ${source}: its lineage ${incoming.lineage} differs from the lineage ${now.lineage} of the state at ${backend.location}, so it is a different state.`, [
            'Check that you are pushing to the right state (-state or the drctl block); to replace it anyway, pass -force.',
          ]);
        }
        if (incoming.serial < now.serial) {
          throw new UserError(`Cannot push ${source}: its serial ${incoming.serial} is lower than the serial ${now.serial} of the state at ${backend.location}, so it is older than the state it would replace.`, [
            'Pull the current state (drctl state pull), make your change on that, and push it; or pass -force to replace it anyway.',
          ]);
        }
        if (incoming.serial === now.serial && !sameContent) {
          throw new UserError(`Cannot push ${source}: it has the same serial ${now.serial} as the state at ${backend.location} but different content.`, [
            'Both were changed from the same state. Pull the current state, make your change on that, and push it; or pass -force to replace it anyway.',
          ]);
        }
      }
      if (sameContent && !journalPresent) {
        return { written: false, serial: now.serial, lineage: now.lineage, resources: now.resources.length, replaced: { serial: now.serial, lineage: now.lineage }, warnings };
      }
      if (sameLineage) serial = Math.max(incoming.serial, now.serial + (sameContent ? 0 : 1));
    }
    await backend.write(new TextEncoder().encode(serializeState({ ...incoming, serial })));
    // Any journal continued the state just replaced.
    if (journalPresent) await backend.clearJournal();
    const before = current ? effectiveState(current) : null;
    return {
      written: true,
      serial,
      lineage: incoming.lineage,
      resources: incoming.resources.length,
      replaced: before && { serial: before.serial, lineage: before.lineage },
      warnings,
    };
  } finally {
    await backend.unlock(grant.lock.id).catch(() => undefined);
    await backend.close();
  }
}

// ------------------------------------------------------------------------------- force-unlock

/** The lock `id` names, for the confirmation prompt. Throws when nothing is locked or the id is another lock's. */
export async function findLockToBreak(backend: StateBackend, id: string): Promise<LockInfo> {
  const current = await backend.readLock();
  if (current === null) {
    throw new UserError(`No lock is held on ${backend.location}; nothing to unlock.`);
  }
  if (current.id !== id) throw new LockMismatchError(id, current, backend.location);
  return current;
}

/** `force-unlock`: breaks the lock only when `id` is still the current lock's; returns the lock broken. */
export async function forceUnlockState(backend: StateBackend, id: string): Promise<LockInfo> {
  const lock = await findLockToBreak(backend, id);
  await backend.forceUnlock(id);
  return lock;
}
