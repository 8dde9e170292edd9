// The DR language's block and argument schema, as data. The decoder checks bodies against it
// (unknown and missing arguments, types, nesting); docs/language.md documents the same shapes.
import { MACHINE_TYPES, OS_TYPES, PROC_TYPES, resolveMachineType, STORAGE_TIERS } from '../powervs/index.js';
import { RESOURCE_TYPES, SITE_ROLES, type ResourceType } from './model.js';

/** How an argument's value is checked and converted. */
export type ArgType =
  | { readonly kind: 'string'; readonly oneOf?: readonly string[]; readonly aliases?: (s: string) => string | undefined }
  | { readonly kind: 'number'; readonly integer?: boolean; readonly min?: number; readonly max?: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'cidr' }
  | { readonly kind: 'list'; readonly of: ArgType }
  | { readonly kind: 'map'; readonly of: ArgType }
  | { readonly kind: 'object'; readonly attrs: Readonly<Record<string, AttrSchema>> }
  /** A static reference to one block of the given type, e.g. `site.home`. */
  | { readonly kind: 'ref'; readonly to: ResourceType }
  /** A list of static references, e.g. `[vm.db01, vm.app01]`; a counted block expands to all instances. */
  | { readonly kind: 'refs'; readonly to: ResourceType }
  /** Static references to any resource, for depends_on. */
  | { readonly kind: 'anyRefs' }
  /** A program and its arguments: a path, or a list of a path and arguments (post_check). Converts to a list of strings. */
  | { readonly kind: 'command' }
  /** Evaluated, any type. */
  | { readonly kind: 'any' }
  /** A type constraint (variable "type"), read statically. */
  | { readonly kind: 'typeExpr' };

export interface AttrSchema {
  readonly type: ArgType;
  readonly required?: boolean;
  readonly description?: string;
}

export interface BlockSchema {
  /** Label names, e.g. ["name"]; the count must match exactly. */
  readonly labels: readonly string[];
  readonly attrs: Readonly<Record<string, AttrSchema>>;
  readonly blocks?: Readonly<Record<string, NestedBlockSchema>>;
  /** Arguments whose names are not fixed (network subnets keyed by site, locals). */
  readonly dynamicAttrs?: AttrSchema;
  /** Supports `count` (vm only). */
  readonly countable?: boolean;
}

export interface NestedBlockSchema extends BlockSchema {
  readonly min?: number;
  readonly max?: number;
}

const str = (extra: Partial<Extract<ArgType, { kind: 'string' }>> = {}): ArgType => ({ kind: 'string', ...extra });
const num = (extra: Partial<Extract<ArgType, { kind: 'number' }>> = {}): ArgType => ({ kind: 'number', ...extra });
const req = (type: ArgType, description?: string): AttrSchema => ({ type, required: true, description });
const opt = (type: ArgType, description?: string): AttrSchema => ({ type, description });

const tiers = Object.keys(STORAGE_TIERS);
const machineTypes = Object.keys(MACHINE_TYPES);

const subnetObject: ArgType = {
  kind: 'object',
  attrs: { cidr: req({ kind: 'cidr' }), name: req(str()), gateway: opt(str()) },
};

export const BLOCK_SCHEMAS: Readonly<Record<string, BlockSchema>> = {
  variable: {
    labels: ['name'],
    attrs: {
      type: opt({ kind: 'typeExpr' }),
      default: opt({ kind: 'any' }),
      description: opt(str()),
      sensitive: opt({ kind: 'bool' }),
      nullable: opt({ kind: 'bool' }),
    },
    blocks: {
      validation: {
        labels: [],
        attrs: { condition: req({ kind: 'any' }), error_message: req(str()) },
      },
    },
  },
  locals: { labels: [], attrs: {}, dynamicAttrs: opt({ kind: 'any' }) },
  output: {
    labels: ['name'],
    attrs: { value: req({ kind: 'any' }), description: opt(str()), sensitive: opt({ kind: 'bool' }), depends_on: opt({ kind: 'anyRefs' }) },
  },
  drctl: {
    labels: [],
    attrs: {
      parallelism: opt(num({ integer: true, min: 1, max: 256 })),
      endpoint: opt(str()),
      region: opt(str()),
      workspaces: opt({ kind: 'map', of: str() }, 'PowerVS cloud-instance IDs by workspace name, for a real endpoint'),
    },
    blocks: {
      backend: {
        labels: ['type'],
        max: 1,
        attrs: {
          path: opt(str(), 'local: the state file of the default workspace'),
          conn_str: opt(str(), 'pg: the connection string (a password in it is a secret: prefer conn_str_env)'),
          conn_str_env: opt(str(), 'pg: the environment variable holding the connection string'),
          schema: opt(str(), 'pg: the schema of drctl\'s tables (default "drctl")'),
        },
      },
      encryption: {
        labels: [],
        max: 1,
        attrs: {
          key_file: opt(str(), 'A file of 32 random bytes, raw or base64'),
          passphrase_env: opt(str(), 'The environment variable holding a passphrase of at least 16 characters'),
          enforced: opt({ kind: 'bool' }, 'Refuse plaintext state and plan files'),
        },
        blocks: {
          fallback: { labels: [], max: 8, attrs: { key_file: opt(str()), passphrase_env: opt(str()) } },
        },
      },
    },
  },
  site: {
    labels: ['name'],
    attrs: {
      location: req(str(), 'PowerVS data centre, e.g. dal13'),
      workspace: req(str(), 'PowerVS workspace (cloud instance) name'),
      role: req(str({ oneOf: SITE_ROLES })),
      description: opt(str()),
      depends_on: opt({ kind: 'anyRefs' }),
    },
  },
  orchestrator: {
    labels: ['name'],
    attrs: {
      site: req({ kind: 'ref', to: 'site' }),
      machine_type: req(str({ oneOf: machineTypes, aliases: resolveMachineType })),
      tier: req(str({ oneOf: tiers })),
      processors: opt(num({ min: 0.25 })),
      memory_gb: opt(num({ min: 2 })),
      depends_on: opt({ kind: 'anyRefs' }),
    },
    blocks: {
      high_availability: { labels: [], max: 1, attrs: { standby_site: req({ kind: 'ref', to: 'site' }) } },
    },
  },
  replication_policy: {
    labels: ['name'],
    attrs: {
      type: req(str({ oneOf: ['global'] })),
      rpo: req({ kind: 'duration' }),
      tier: req(str({ oneOf: tiers })),
      cycle_period: opt({ kind: 'duration' }),
      depends_on: opt({ kind: 'anyRefs' }),
    },
  },
  network: {
    labels: ['name'],
    attrs: {
      type: req(str({ oneOf: ['private', 'public'] })),
      test: opt(subnetObject, 'The isolated subnet drills boot clones on'),
      static_ips: opt({ kind: 'map', of: str() }),
      depends_on: opt({ kind: 'anyRefs' }),
    },
    // One subnet per site, named after the site: `home = { cidr = …, name = … }`.
    dynamicAttrs: opt(subnetObject),
  },
  volume_group: {
    labels: ['name'],
    attrs: {
      policy: req({ kind: 'ref', to: 'replication_policy' }),
      volumes: req({
        kind: 'list',
        of: {
          kind: 'object',
          attrs: {
            name: req(str()),
            size_gb: req(num({ integer: true, min: 1, max: 65_536 })),
            tier: opt(str({ oneOf: tiers })),
          },
        },
      }),
      depends_on: opt({ kind: 'anyRefs' }),
    },
  },
  vm: {
    labels: ['name'],
    countable: true,
    attrs: {
      site: req({ kind: 'ref', to: 'site' }),
      machine_type: req(str({ oneOf: machineTypes, aliases: resolveMachineType })),
      processors: req(num({ min: 0.25 })),
      proc_type: opt(str({ oneOf: PROC_TYPES })),
      memory_gb: req(num({ min: 2 })),
      os: req(str({ oneOf: OS_TYPES })),
      image: opt(str()),
      networks: opt({ kind: 'refs', to: 'network' }),
      volume_groups: opt({ kind: 'refs', to: 'volume_group' }),
      replication_policy: opt({ kind: 'ref', to: 'replication_policy' }),
      boot_time: opt({ kind: 'duration' }, 'Overrides the predicted boot time'),
      count: opt(num({ integer: true, min: 0, max: 10_000 })),
      depends_on: opt({ kind: 'anyRefs' }),
    },
  },
  recovery_plan: {
    labels: ['name'],
    attrs: { rto: opt({ kind: 'duration' }), depends_on: opt({ kind: 'anyRefs' }) },
    blocks: {
      group: {
        labels: ['name'],
        min: 1,
        attrs: {
          vms: req({ kind: 'refs', to: 'vm' }),
          timeout: opt({ kind: 'duration' }),
          post_check: opt({ kind: 'command' }),
          post_check_env: opt({ kind: 'map', of: str() }, 'Environment variables the post_check gets, by name'),
          post_check_time: opt({ kind: 'duration' }, 'How long the post_check takes, for the predicted RTO'),
          manual: opt(str()),
          manual_time: opt({ kind: 'duration' }, 'How long a person takes for the manual step, for the predicted RTO'),
        },
      },
    },
  },
  drill: {
    labels: ['name'],
    attrs: {
      plan: req({ kind: 'ref', to: 'recovery_plan' }),
      schedule: opt(str()),
      network: opt(str()),
      cleanup_after: opt({ kind: 'duration' }),
      depends_on: opt({ kind: 'anyRefs' }),
    },
    blocks: {
      pass: {
        labels: [],
        max: 1,
        attrs: { max_rto: opt({ kind: 'duration' }), require_post_checks: opt({ kind: 'bool' }) },
      },
    },
  },
  notification: {
    labels: ['name'],
    attrs: {
      webhook: req(str()),
      events: opt({ kind: 'list', of: str() }),
      allow_link_local: opt({ kind: 'bool' }, 'Allow a link-local or cloud metadata address as the webhook'),
      depends_on: opt({ kind: 'anyRefs' }),
    },
  },
  moved: {
    labels: [],
    attrs: { from: req({ kind: 'anyRefs' }), to: req({ kind: 'anyRefs' }) },
  },
};

export const TOP_LEVEL_BLOCK_TYPES = Object.keys(BLOCK_SCHEMAS);

/** Block types that declare resources with addresses `type.name`. */
export const RESOURCE_BLOCK_TYPES: readonly ResourceType[] = RESOURCE_TYPES;
