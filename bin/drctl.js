#!/usr/bin/env node
// Entry point: rewrite Terraform-style flags, run the oclif command, report errors one way.
import { run, flush } from '@oclif/core';
import { normalizeArgv } from '../dist/cli/argv.js';
import { reportError } from '../dist/cli/report.js';

try {
  await run(normalizeArgv(process.argv.slice(2)), import.meta.url);
  await flush();
} catch (err) {
  const { text, exitCode } = reportError(err);
  if (text) process.stderr.write(text);
  process.exitCode = exitCode;
}
