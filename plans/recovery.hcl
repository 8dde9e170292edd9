# The recovery plan: groups start one after another, each once the one before is up. Inside a
# group VMs boot in parallel, at most `parallelism` (main.hcl) at a time. Storage is switched
# first, all volume groups at once. Every VM belongs to exactly one group.
#
# `drctl graph --format text` prints the predicted duration of each group (docs/timing.md has
# the model). As written here, at parallelism 10:
#   storage switch   1m24s  (the largest volume group, erp_db: 30s + 2,700 GB x 0.02s)
#   infrastructure   2m10s
#   database         7m16s  (AIX on an E980: 4m36s firmware and OS, 2m8s for 512 GB of memory)
#   ibmi             9m40s  (one IBM i IPL: the slowest single step)
#   app              4m58s  (16 VMs: two waves at parallelism 10)
#   web              2m6s
#   total           27m34s  against a 45m target: the rest is room for post-checks and the
#                           manual DNS step, which the prediction does not time.

recovery_plan "erp" {
  rto = "45m"

  # Directory and monitoring first: everything after authenticates against ldap01.
  group "infrastructure" {
    vms = [vm.ldap01, vm.jump01, vm.monitor01]
  }

  group "database" {
    vms        = [vm.db01, vm.db02]
    timeout    = "15m"                 # fail the run (and page someone) rather than wait forever
    post_check = "scripts/db-ready.sh" # must exit 0 before the next group starts
  }

  group "ibmi" {
    vms     = [vm.ibmi01]
    timeout = "20m" # IBM i IPL is the slowest single step in the plan
  }

  # The slower AIX queue managers are listed first so they start in the first wave.
  group "app" {
    vms = [vm.mq, vm.batch, vm.app]
  }

  group "web" {
    vms    = [vm.web]
    manual = "Point erp.example.com at the DR load balancer (public DNS), then confirm a login."
  }
}

# A monthly rehearsal: clone the replicated volumes, boot the clones on the isolated test
# subnets in plan order, run the checks, record the RTO, then clean up (always, even after a
# failure or Ctrl-C).
drill "monthly" {
  plan          = recovery_plan.erp
  schedule      = "0 3 1 * *" # 03:00 on the 1st of every month
  network       = "test"
  cleanup_after = "4h"

  pass {
    max_rto             = "45m"
    require_post_checks = true
  }
}

notification "ops" {
  webhook = var.ops_webhook
  events  = ["move.started", "move.completed", "move.failed", "drill.failed", "rpo.breach", "replication.broken", "vm.boot_failed"]
}

output "dr_workspace" {
  description = "The PowerVS workspace production moves to on failover"
  value       = site.dr.workspace
}

output "app_servers" {
  description = "Addresses of the application pool"
  value       = vm.app[*].address
}
