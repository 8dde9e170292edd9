#!/usr/bin/env node
// Entry point: rewrite Terraform-style flags, run the oclif command, report errors one way.
import { run, flush } from '@oclif/core';
import { normalizeArgv } from '../dist/cli/argv.js';
import { reportError } from '../dist/cli/report.js';

const args = process.argv.slice(2);
try {
  // `drctl` alone on a terminal opens the console; without one (a pipe, CI) it prints help.
  if (args.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
    const { default: ConsoleCommand } = await import('../dist/commands/console.js');
    await ConsoleCommand.run([], import.meta.url);
  } else await run(normalizeArgv(args), import.meta.url);
  await flush();
} catch (err) {
  // Loaded only on failure: state errors (a held lock, an unusable file) become user errors.
  const { toUserError } = await import('../dist/state/commands.js');
  const { text, exitCode } = reportError(err, 'drctl', toUserError);
  if (text) process.stderr.write(text);
  process.exitCode = exitCode;
}
