#!/usr/bin/env node
// Entry point: the bundled CLI (scripts/bundle.mjs; `npm run build` makes it). A plain plan or
// apply runs from the one-file fast bundle (src/cli/fast-main.ts); everything else, and any
// plan or apply it declines (help, unusual flags), from the full bundle with oclif.
const args = process.argv.slice(2);
const fast = args[0] === 'plan' || args[0] === 'apply';
if (!(fast && (await (await import('../dist/bundle/fast.js')).fastMain(args)))) {
  const { main } = await import('../dist/bundle/drctl.js');
  await main(args, import.meta.url);
}
