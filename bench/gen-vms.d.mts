// Types for gen-vms.mjs (plain JS so it runs without a build), for TypeScript importers.

/** A realistic drctl DR definition with `vmCount` VMs, as HCL text (5,000 VMs ≈ 0.8 MB). */
export function generateDrDefinition(vmCount: number): string;
