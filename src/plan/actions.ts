// The closed set of plan actions, with their glyphs and words in one place. Every renderer asks
// this module; none spells a glyph itself.
export type Action = 'create' | 'update' | 'replace' | 'delete' | 'no-op';

export const ACTIONS: readonly Action[] = ['create', 'update', 'replace', 'delete', 'no-op'];

export const ACTION_GLYPH: Readonly<Record<Action, string>> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  'no-op': ' ',
};

/** "will be created", as the plan's heading line for a change says it. */
export const ACTION_PHRASE: Readonly<Record<Action, string>> = {
  create: 'will be created',
  update: 'will be updated in-place',
  replace: 'must be replaced',
  delete: 'will be destroyed',
  'no-op': 'is unchanged',
};

/** Terraform's JSON `actions` arrays; a replace destroys first, then creates. */
export const ACTION_JSON: Readonly<Record<Action, readonly string[]>> = {
  create: ['create'],
  update: ['update'],
  replace: ['delete', 'create'],
  delete: ['delete'],
  'no-op': ['no-op'],
};

/** Past tense for apply summaries: "vm.db01: Creation complete". */
export const ACTION_DONE: Readonly<Record<Action, string>> = {
  create: 'Creation complete',
  update: 'Modifications complete',
  replace: 'Replacement complete',
  delete: 'Destruction complete',
  'no-op': 'Unchanged',
};

export const ACTION_ING: Readonly<Record<Action, string>> = {
  create: 'Creating...',
  update: 'Modifying...',
  replace: 'Replacing...',
  delete: 'Destroying...',
  'no-op': 'Checking...',
};
