// Starts a simulator in a temp directory and a provider pointed at it: one region per site
// (dal13 → dal, wdc04 → wdc), workspaces named by their ids with their zones, CRNs built from
// the simulator's account.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/sim/index.js';
import { PowerVsProvider, providerConfigForSimulator, type Ownership, type ProviderConfig, type ProviderDeps } from '../../src/provider/index.js';

export const HOME = 'erp-prod-dal13';
export const DR = 'erp-dr-wdc04';

export interface Rig {
  readonly sim: SimulatorHandle;
  readonly provider: PowerVsProvider;
  /** The provider's configuration (to make another provider on the same simulator). */
  readonly config: ProviderConfig;
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
  const config = providerConfigForSimulator(sim, {
    workspaces: { [HOME]: { id: HOME, zone: 'dal13' }, [DR]: { id: DR, zone: 'wdc04' } },
    ...providerOpts,
  });
  const provider = new PowerVsProvider(config, deps);
  return {
    sim,
    provider,
    config,
    dir,
    stop: async () => {
      await provider.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An identity for a test resource (as drctl gives every resource it creates). */
export function testOwner(address: string, lineage = 'test-lineage'): Ownership {
  const idTag = `drctl-id:${lineage}-${address.replace(/[^A-Za-z0-9]/g, '_')}`.slice(0, 128);
  return { idTag, tags: [idTag], address };
}
