// Starts a simulator in a temp directory and a provider pointed at it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/sim/index.js';
import { PowerVsProvider, providerConfigForSimulator, type ProviderConfig, type ProviderDeps } from '../../src/provider/index.js';

export const HOME = 'erp-prod-dal13';
export const DR = 'erp-dr-wdc04';

export interface Rig {
  readonly sim: SimulatorHandle;
  readonly provider: PowerVsProvider;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startRig(simOpts: Partial<SimulatorOptions> = {}, providerOpts: Partial<ProviderConfig> = {}, deps: ProviderDeps = {}): Promise<Rig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'drctl-sim-'));
  const sim = await serveSimulator({
    dataDir: dir,
    timeScale: 0,
    workspaces: [
      { id: HOME, location: 'dal13' },
      { id: DR, location: 'wdc04' },
    ],
    ...simOpts,
  });
  const provider = new PowerVsProvider(providerConfigForSimulator(sim, providerOpts), deps);
  return {
    sim,
    provider,
    dir,
    stop: async () => {
      await provider.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
