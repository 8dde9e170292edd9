# ERP disaster recovery: production runs in Dallas (dal13), the recovery site is Washington
# (wdc04). drctl reads every *.hcl file in this directory as one configuration, so the split
# into files below is only for people: main (settings, sites, orchestrator), variables,
# network, storage, vms and recovery.

drctl {
  # How many VMs drctl boots at once inside one recovery group. The predicted RTO assumes the
  # same number, so raising it shortens wide groups (app, web) but not slow single VMs (IBM i).
  parallelism = 10

  # State lives in a local JSON file. Keep it out of git (state/ is in .gitignore: a committed
  # copy goes stale with every apply, and two applies cannot be merged); for a team, move to
  # the PostgreSQL backend (docs/state.md).
  backend "local" {
    path = "state/erp.drstate.json"
  }
}

# A DR pair is two data centres that PowerVS replicates between (dal13 <-> wdc04). Exactly one
# site of a pair is active; flipping the roles and applying is a planned failover.
site "home" {
  location    = local.home_dc
  workspace   = "${local.prefix}-${local.home_dc}" # erp-prod-dal13
  role        = "active"
  description = "Production ERP estate"
}

site "dr" {
  location    = local.dr_dc
  workspace   = "${local.prefix}-${local.dr_dc}" # erp-prod-wdc04
  role        = "standby"
  description = "Recovery site: replicated volumes wait here until a failover or drill"
}

# The orchestrator (KSYS) must survive the loss of production, so it runs at the DR site. With
# high_availability a standby orchestrator waits at home, so failback still has a conductor
# while the DR site itself is being maintained.
orchestrator "ksys" {
  site         = site.dr
  machine_type = "s922"
  tier         = "tier1"
  processors   = 0.5
  memory_gb    = 32

  high_availability {
    standby_site = site.home
  }
}
