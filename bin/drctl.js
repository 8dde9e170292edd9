#!/usr/bin/env node
// Entry point: the bundled CLI (scripts/bundle.mjs; `npm run build` makes it).
import { main } from '../dist/bundle/drctl.js';

await main(process.argv.slice(2), import.meta.url);
