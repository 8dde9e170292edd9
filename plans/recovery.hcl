# The recovery plan: groups start one after another, each once the one before is up. Inside a
# group VMs boot in parallel, at most `parallelism` (main.hcl) at a time, the slowest first.
# Before that, production is shut down at the old site (groups in reverse order) and storage is
# switched, all volume groups at once. Every VM belongs to exactly one group.
#
# `drctl graph --format text` prints the predicted RTO of each phase (docs/timing.md has the
# model). The first failover builds every VM at the DR site (3 minutes each before it boots);
# later moves start the VMs already there. As written here, at parallelism 10:
#                    first failover   failback and later moves
#   shutdowns              6m00s           6m00s   (IBM i's controlled power-down: 3m)
#   storage switch         1m24s           1m24s   (erp_db: 30s + 2,700 GB x 0.02s)
#   infrastructure         5m10s           2m10s
#   database              10m16s           7m16s   (AIX on an E980, 512 GB of memory)
#   ibmi                  12m40s           9m40s   (one IBM i IPL: the slowest single step)
#   app                   10m58s           4m58s   (16 VMs: two waves at parallelism 10)
#   web                    5m06s           2m06s
#   DNS step               5m00s           5m00s   (manual_time, when a person is asked)
#   total                 56m34s          38m34s   against a 1h target.
# A drill clones the three volume groups (45s each) instead of shutting down and switching, and
# builds every clone: 46m25s against its 1h limit.

recovery_plan "erp" {
  rto = "1h"

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
    vms         = [vm.web]
    manual      = "Point erp.example.com at the DR load balancer (public DNS), then confirm a login."
    manual_time = "5m" # how long the DNS change and a login take a person: part of the predicted RTO
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
    max_rto             = "1h"
    require_post_checks = true
  }
}

# Notifications: DR events POSTed as JSON to a webhook (a chat bridge, a pager). Left out of the
# example on purpose: a webhook pointing at nothing makes every run retry it and report that it
# gave up. Give it your endpoint and uncomment it:
#
# notification "ops" {
#   webhook = "https://chat.example.com/hooks/dr"
#   events  = ["move.started", "move.completed", "move.failed", "drill.failed", "rpo.breach", "replication.broken", "vm.boot_failed"]
# }

output "dr_workspace" {
  description = "The PowerVS workspace production moves to on failover"
  value       = site.dr.workspace
}

output "app_servers" {
  description = "Addresses of the application pool"
  value       = vm.app[*].address
}
