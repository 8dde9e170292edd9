// What every use case receives instead of flags and a terminal: the working directory, the
// environment, file access, a clock and where progress events go.
import type { ConfigFs, DrConfig } from '../config/index.js';
import type { EventSink } from '../plan/index.js';
import type { DrEventSink } from '../lifecycle/index.js';
import type { Redactor } from '../redact/index.js';
import type { CloudConnection } from './cloud.js';

export interface EngineContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fs: ConfigFs;
  readonly now: () => number;
  readonly sink: EventSink;
  /**
   * What hides secrets in everything the use case writes (the terminal's, so its text output
   * hides the same values); services teach it the configuration's. Absent: one knowing the
   * environment's credentials.
   */
  readonly redactor?: Redactor;
}

export interface DrContext extends EngineContext {
  /** Receives every DR event (the live view). */
  readonly drSink?: DrEventSink;
  readonly wall?: () => Date;
  /** Provide a cloud (tests, benchmarks) instead of connecting from the configuration. */
  readonly connect?: (config: DrConfig) => Promise<CloudConnection>;
  /** Real seconds per model second of the cloud (1 for PowerVS; the simulator's time scale). */
  readonly timeScale?: number;
}
