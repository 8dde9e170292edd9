# The estate: 30 VMs, all running at home today. On failover drctl builds each one at the DR
# site from the replicated volumes, in the order the recovery plan gives (recovery.hcl).
#
# Host limits drctl checks: s922 up to 15 cores and 942 GB (IBM i at most 4 cores),
# e980 up to 143 cores, e1080 up to 240.

# --- Infrastructure: directory, jump host, monitoring -----------------------------------------

vm "ldap01" {
  site         = site.home
  machine_type = "s922"
  processors   = 1
  proc_type    = "shared"
  memory_gb    = 16
  os           = "rhel"
  image        = local.images.rhel
  networks     = [network.app]
}

vm "jump01" {
  site         = site.home
  machine_type = "s922"
  processors   = 0.5
  proc_type    = "shared"
  memory_gb    = 8
  os           = "rhel"
  image        = local.images.rhel
  networks     = [network.app, network.web]
}

vm "monitor01" {
  site         = site.home
  machine_type = "s922"
  processors   = 1
  proc_type    = "shared"
  memory_gb    = 32
  os           = "rhel"
  image        = local.images.rhel
  networks     = [network.app, network.db]
}

# --- Database tier: two AIX LPARs on an E980 -------------------------------------------------
# Dedicated cores: the database licence is per core, and shared cores would let noisy
# neighbours into the commit path. Both VMs use the erp_db consistency group.

vm "db01" {
  site               = site.home
  machine_type       = "e980" # an E980 (9080-M9S): room for 143 cores
  processors         = 16
  proc_type          = "dedicated"
  memory_gb          = 512
  os                 = "aix"
  image              = local.images.aix
  networks           = [network.db]
  volume_groups      = [volume_group.erp_db]
  replication_policy = replication_policy.gold # optional: must match the volume groups' policy
}

vm "db02" {
  site               = site.home
  machine_type       = "e980"
  processors         = 16
  proc_type          = "dedicated"
  memory_gb          = 512
  os                 = "aix"
  image              = local.images.aix
  networks           = [network.db]
  volume_groups      = [volume_group.erp_db]
  replication_policy = replication_policy.gold
}

# --- IBM i: the order-entry system -----------------------------------------------------------
# On an S922 IBM i is limited to 4 cores; a larger IBM i partition would need an e980.

vm "ibmi01" {
  site          = site.home
  machine_type  = "s922"
  processors    = 4
  proc_type     = "dedicated"
  memory_gb     = 128
  os            = "ibmi"
  image         = local.images.ibmi
  networks      = [network.db, network.app]
  volume_groups = [volume_group.ibmi_erp]
}

# --- Middleware: message queues and batch ----------------------------------------------------

vm "mq" {
  count         = 2
  site          = site.home
  machine_type  = "s922"
  processors    = 2
  proc_type     = "shared"
  memory_gb     = 32
  os            = "aix"
  image         = local.images.aix
  networks      = [network.app]
  volume_groups = [volume_group.middleware]
}

vm "batch" {
  count         = 2
  site          = site.home
  machine_type  = "s922"
  processors    = 4
  proc_type     = "shared"
  memory_gb     = 64
  os            = "sles"
  image         = local.images.sles
  networks      = [network.app, network.db]
  volume_groups = [volume_group.middleware]
}

# --- Application tier: a pool of identical Linux servers -------------------------------------
# `count` makes vm.app[0] … vm.app[11]; `vm.app` in a list means all of them. The first two
# run the ERP central services and get more memory (count.index is the instance number).

vm "app" {
  count        = var.app_count
  site         = site.home
  machine_type = "s922"
  processors   = 4
  proc_type    = "shared"
  memory_gb    = count.index < 2 ? 128 : 64
  os           = "rhel"
  image        = local.images.rhel
  networks     = [network.app, network.db]
}

# --- Web tier --------------------------------------------------------------------------------
# Capped: a traffic spike cannot borrow cores from the pool the app tier shares.

vm "web" {
  count        = var.web_count
  site         = site.home
  machine_type = "s922"
  processors   = 1
  proc_type    = "capped"
  memory_gb    = 16
  os           = "rhel"
  image        = local.images.rhel
  networks     = [network.web, network.app]
}
