// The layering of src/, as a check (`npm run lint:deps`, part of `npm test`). docs/architecture.md
// is the map. Each folder may import, by value (static or dynamic), only the folders listed for
// it: the floors point one way, so no cycle between folders can form. Type-only imports are free:
// they vanish at compile time, and a view may name the engine's types.
//
//   cli → commands → services → tui / apply / plan / lifecycle
//       → resources / config / state / graph / access / audit → provider / sim / powervs / hcl / diag

/** Folder → the folders it may import by value (besides itself). */
const ALLOWED = {
  cli: ['commands', 'services', 'review', 'diag', 'redact'],
  // Commands choose a view: the tui's, or a plan renderer (plan/render-*.ts).
  commands: ['services', 'tui', 'plan', 'config', 'review', 'diag', 'redact'],
  services: [
    'tui',
    'apply',
    'plan',
    'lifecycle',
    'resources',
    'config',
    'state',
    'graph',
    'access',
    'audit',
    'provider',
    'sim',
    'powervs',
    'hcl',
    'review',
    'diag',
    'redact',
  ],
  // The views draw plans and configurations; they never run the engine.
  tui: ['plan', 'config', 'graph', 'powervs', 'review', 'diag'],
  apply: ['plan', 'resources', 'config', 'state', 'graph', 'provider', 'powervs', 'review', 'diag'],
  // plan derives, it never executes: no apply, no lifecycle.
  plan: ['resources', 'config', 'state', 'graph', 'provider', 'powervs', 'hcl', 'review', 'diag', 'redact'],
  // lifecycle reaches apply only through services (injected), never by import.
  lifecycle: ['plan', 'resources', 'config', 'state', 'graph', 'provider', 'powervs', 'review', 'diag', 'redact'],
  resources: ['config', 'state', 'graph', 'provider', 'powervs', 'review', 'diag'],
  config: ['graph', 'powervs', 'hcl', 'review', 'diag', 'redact'],
  state: ['review', 'diag'],
  access: ['state', 'review', 'diag'],
  audit: ['state', 'review', 'diag'],
  // The bottom floor imports nothing of ours, but for the diagnostic vocabulary (diag: the
  // Diagnostic data type, ranges, did-you-mean), which the HCL parser reports in.
  graph: [],
  provider: ['powervs', 'diag'],
  sim: ['powervs'],
  powervs: [],
  hcl: ['diag'],
  diag: [],
  // Value diffs, their text layout, the display order of addresses, markdown helpers: shared by
  // plans, state diffs and views, so it sits at the bottom and imports nothing of ours.
  review: [],
  // Redaction (secrets out of everything drctl writes): a leaf the floors that write output import.
  redact: [],
};

const folders = Object.keys(ALLOWED);
const alt = (xs) => xs.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...folders.map((from) => {
      const others = folders.filter((f) => f !== from && !ALLOWED[from].includes(f));
      return {
        name: `layer-${from}`,
        severity: 'error',
        comment: `src/${from} may import by value only: ${ALLOWED[from].join(', ') || 'nothing of ours'} (see docs/architecture.md)`,
        from: { path: `^src/${from}/` },
        to: { path: others.length ? `^src/(${alt(others)})/` : '^$', dependencyTypesNot: ['type-only'] },
      };
    }),
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'every folder of src/ has a floor in .dependency-cruiser.cjs and docs/architecture.md',
      from: { path: `^src/(?!(${alt(folders)})/)[^/]+/` },
      to: {},
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'modules form no import cycle (value imports)',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    // (ALLOWED is exported below for the architecture test.)
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};

Object.defineProperty(module.exports, 'ALLOWED', { value: ALLOWED, enumerable: false });
