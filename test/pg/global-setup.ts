// A real PostgreSQL server for the test run, started lazily by the first test file that needs it
// (test/pg/server.ts) and stopped here when the run ends. This file only makes the run's
// directory, where that server is recorded, and tells the workers where it is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopRecordedServers } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    drctlPgRunDir: string;
    drctlPgMainPid: number;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'drctl-pg-run-'));
  project.provide('drctlPgRunDir', runDir);
  project.provide('drctlPgMainPid', process.pid);
  return async () => {
    await stopRecordedServers(runDir);
    rmSync(runDir, { recursive: true, force: true });
  };
}
