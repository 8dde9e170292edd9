#!/usr/bin/env node
// Entry point: rewrite Terraform-style flags, run the oclif command, report errors one way.
import { run, flush } from '@oclif/core';
import { normalizeArgv } from '../dist/cli/argv.js';
import { reportError } from '../dist/cli/report.js';

try {
  await run(normalizeArgv(process.argv.slice(2)), import.meta.url);
  await flush();
} catch (err) {
  // Loaded only on failure: state errors (a held lock, an unusable file) become user errors.
  const { toUserError } = await import('../dist/state/commands.js');
  const { text, exitCode } = reportError(err, 'drctl', toUserError);
  if (text) process.stderr.write(text);
  process.exitCode = exitCode;
}
