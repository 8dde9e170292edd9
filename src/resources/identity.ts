// drctl's identity on the cloud resources it creates. PowerVS names are not unique, and a name
// says nothing about who made a resource, so every VM, volume and network drctl creates carries
// user tags: `drctl-id:<hash>` (the state lineage and the address: the one tag that decides
// ownership), `drctl-lineage:<lineage>` and `drctl-address:<address>` (for people). A crash
// leaves the tags on what was made, so the next run finds it by them and adopts it; nothing
// without them is ever adopted. Tags follow IBM's rule: letters, digits, spaces and `:_.-`.
import { createHash } from 'node:crypto';
import type { Ownership } from '../provider/index.js';

const MAX_TAG = 128;

/** A tag value in IBM's alphabet: other characters become `_`, and it is cut to fit. */
function tagText(prefix: string, text: string): string {
  return `${prefix}${text.replace(/[^A-Za-z0-9 :_.-]/g, '_')}`.slice(0, MAX_TAG);
}

/** The idTag of an address (and a part of it: a volume of a group, a network's site) in a lineage. */
export function idTag(lineage: string, key: string): string {
  return `drctl-id:${createHash('sha256').update(`${lineage}\n${key}`).digest('hex').slice(0, 40)}`;
}

/**
 * The ownership of what drctl creates for `address` (with `part`, one of several objects the
 * address makes: `data` of a volume group, `dr` of a network, a site of a VM).
 */
export function ownership(lineage: string, address: string, part?: string): Ownership {
  const key = part === undefined ? address : `${address}/${part}`;
  const id = idTag(lineage, key);
  return {
    idTag: id,
    tags: [id, tagText('drctl-lineage:', lineage), tagText('drctl-address:', key)],
    address: key === address ? address : `${address} (${part})`,
  };
}

/** The tag every drill leftover of a lineage carries, whatever its run: what cleanup looks for. */
export function drillTag(lineage: string): string {
  return idTag(lineage, 'drill').replace('drctl-id:', 'drctl-drill:');
}

/** The ownership of one object of a drill run (a clone VM, its test network, the clones of a group). */
export function drillOwnership(lineage: string, run: string, key: string): Ownership {
  const own = ownership(lineage, `drill:${run}`, key);
  return { ...own, tags: [...own.tags, drillTag(lineage)] };
}
