// The names resources have in PowerVS, derived from their addresses. One definition: the
// resources create with it, and validation refuses two addresses that would share one name
// (then both would be one cloud object, changed back and forth by every apply).

/** The name a resource has in PowerVS: `vm.app[3]` → "app-3", `vm.db01` → "db01". */
export function cloudName(address: string): string {
  const name = address.slice(address.indexOf('.') + 1);
  return name.replace(/\[(\d+)\]$/, '-$1');
}

/** The orchestrator's VMs: "<name>-ksys" at its site and "<name>-ksys-standby" at the other. */
export function orchestratorCloudNames(address: string): readonly string[] {
  const base = `${cloudName(address)}-ksys`;
  return [base, `${base}-standby`];
}

/** A volume of a volume group: `volume_group.erp_db`, "data" → "erp_db-data" (its copy at the other site: "aux_erp_db-data"). */
export function volumeCloudName(group: string, volume: string): string {
  return `${cloudName(group)}-${volume}`;
}
