// The admin consistency check: every reference in the world cross-checked (tests and `drctl sim`
// read it after runs with faults).

import type { WorldData } from './records.js';

/** Cross-checks every reference in the world; an empty list means consistent. */
export function checkConsistency(d: WorldData): string[] {
  const problems: string[] = [];
  const wsOk = (ws: string, what: string) => {
    if (!d.workspaces[ws]) problems.push(`${what} is in unknown workspace ${ws}`);
  };
  for (const vm of Object.values(d.vms)) {
    wsOk(vm.workspace, `vm ${vm.serverName}`);
    for (const n of vm.networks)
      if (d.networks[n.networkID]?.workspace !== vm.workspace) problems.push(`vm ${vm.serverName} uses missing network ${n.networkID}`);
    for (const v of vm.volumeIDs)
      if (!d.volumes[v]?.pvmInstanceIDs.includes(vm.id)) problems.push(`vm ${vm.serverName} lists volume ${v} that does not list it back`);
  }
  for (const v of Object.values(d.volumes)) {
    wsOk(v.workspace, `volume ${v.name}`);
    for (const p of v.pvmInstanceIDs) if (!d.vms[p]?.volumeIDs.includes(v.id)) problems.push(`volume ${v.name} lists vm ${p} that does not list it back`);
    if (v.groupID && !d.volumeGroups[v.groupID]?.volumeIDs.includes(v.id)) problems.push(`volume ${v.name} names group ${v.groupID} that does not hold it`);
    if (v.peerVolumeID) {
      const peer = d.volumes[v.peerVolumeID];
      if (!peer) problems.push(`volume ${v.name} names missing peer ${v.peerVolumeID}`);
      else if (peer.peerVolumeID !== v.id || peer.auxiliary === v.auxiliary) problems.push(`volume ${v.name} and ${peer.name} are not a primary/aux pair`);
    } else if (v.replicationEnabled && !v.auxiliary) problems.push(`replicated volume ${v.name} has no auxiliary copy`);
  }
  for (const g of Object.values(d.volumeGroups)) {
    wsOk(g.workspace, `volume group ${g.name}`);
    for (const v of g.volumeIDs) if (d.volumes[v]?.groupID !== g.id) problems.push(`volume group ${g.name} holds volume ${v} that does not name it`);
    const cg = d.consistencyGroups[g.consistencyGroupName];
    if (!cg || (cg.masterGroupID !== g.id && cg.auxGroupID !== g.id)) problems.push(`volume group ${g.name} has no consistency group`);
  }
  for (const cg of Object.values(d.consistencyGroups)) {
    const m = d.volumeGroups[cg.masterGroupID];
    if (!m) {
      problems.push(`consistency group ${cg.name} lacks its primary side`);
      continue;
    }
    // The auxiliary side, once created, holds exactly the onboarded copies of the primaries.
    const a = cg.auxGroupID ? d.volumeGroups[cg.auxGroupID] : undefined;
    if (cg.auxGroupID && !a) problems.push(`consistency group ${cg.name} names a missing auxiliary group`);
    if (a) {
      const peers = m.volumeIDs
        .map((v) => d.volumes[v]?.peerVolumeID)
        .filter((p): p is string => p !== undefined && d.volumes[p]?.onboarded !== false && d.volumes[p]?.workspace === a.workspace)
        .sort();
      if (JSON.stringify(peers) !== JSON.stringify([...a.volumeIDs].sort()))
        problems.push(`consistency group ${cg.name}: aux side does not hold the onboarded copies of the primary side`);
    }
  }
  for (const n of Object.values(d.networks)) {
    wsOk(n.workspace, `network ${n.name}`);
  }
  for (let i = 1; i < d.events.length; i++) if (d.events[i].seq <= d.events[i - 1].seq) problems.push(`event log out of order at ${d.events[i].seq}`);
  return problems;
}
