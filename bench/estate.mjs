// The small estate the engine, TUI and DR benchmarks share: a local state file, a dal13/wdc04
// site pair and one private network with room for thousands of VMs.
// `settings` goes into the drctl block before the backend (the DR bench sets its parallelism).
export function estateHeader(settings = '') {
  return `drctl {
${settings}  backend "local" {
    path = "state/bench.drstate.json"
  }
}

site "home" {
  location  = "dal13"
  workspace = "bench-dal13"
  role      = "active"
}

site "dr" {
  location  = "wdc04"
  workspace = "bench-wdc04"
  role      = "standby"
}

network "app" {
  type = "private"
  home = { cidr = "10.10.0.0/20", name = "bench-app-dal13" }
  dr   = { cidr = "10.20.0.0/20", name = "bench-app-wdc04" }
}
`;
}

export const ESTATE_HEADER = estateHeader();
