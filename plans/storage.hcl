# Replication policies say how fast data must reach the DR site and on which storage tier.
# Volume groups are consistency groups: all their volumes replicate and move as one, so a
# database and its logs never diverge. A VM's volume groups must share one policy, and all the
# VMs of a volume group run at one site.

replication_policy "gold" {
  type = "global" # asynchronous Global Mirror between the site pair
  rpo  = "15m"    # alert and block planned moves when replication lags more than this
  tier = "tier0"  # 25 IOPS/GB: the databases
}

replication_policy "silver" {
  type         = "global"
  rpo          = "1h"
  tier         = "tier1" # 10 IOPS/GB
  cycle_period = "10m"   # a longer cycle costs less bandwidth; still well inside the 1h RPO
}

volume_group "erp_db" {
  policy = replication_policy.gold
  volumes = [
    { name = "data", size_gb = 2000 },
    { name = "index", size_gb = 500 },
    # Redo logs want steady IOPS whatever their size: tier5k gives a fixed 5,000 IOPS for
    # volumes up to 200 GB. A volume's own tier overrides the policy's.
    { name = "redo", size_gb = 200, tier = "tier5k" },
  ]
}

volume_group "ibmi_erp" {
  policy = replication_policy.gold
  volumes = [
    { name = "ibmi-sys", size_gb = 300 },
    { name = "ibmi-data", size_gb = 1200 },
  ]
}

# Middleware state: queue manager logs and batch spool. Losing up to an hour of it is
# acceptable (messages are replayed from the database), so it rides on the cheaper policy.
volume_group "middleware" {
  policy = replication_policy.silver
  volumes = [
    { name = "mq-data", size_gb = 200 },
    { name = "mq-log", size_gb = 100 },
    { name = "batch-spool", size_gb = 500, tier = "tier3" }, # 3 IOPS/GB is plenty for spool files
  ]
}
