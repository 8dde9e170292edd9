# Each network has one subnet per site, named after the site (home, dr), plus an isolated
# `test` subnet that drills boot their clones on. The test ranges must not overlap any
# production range: clones keep production addresses inside the drill, so they must never
# see production.

network "app" {
  type = "private"
  home = { cidr = "10.10.0.0/23", name = "${local.prefix}-app-${local.home_dc}" }
  dr   = { cidr = "10.20.0.0/23", name = "${local.prefix}-app-${local.dr_dc}" }
  test = { cidr = "10.90.0.0/23", name = "${local.prefix}-app-drill" }
}

network "db" {
  type = "private"
  home = { cidr = "10.10.4.0/24", name = "${local.prefix}-db-${local.home_dc}", gateway = "10.10.4.1" }
  dr   = { cidr = "10.20.4.0/24", name = "${local.prefix}-db-${local.dr_dc}", gateway = "10.20.4.1" }
  test = { cidr = "10.90.4.0/24", name = "${local.prefix}-db-drill" }

  # The database listeners are hard-coded in client configs, so they keep a fixed address on
  # each side: the production IP on the left, the DR IP it becomes on the right.
  static_ips = {
    "10.10.4.10" = "10.20.4.10" # db01
    "10.10.4.11" = "10.20.4.11" # db02
    "10.10.4.20" = "10.20.4.20" # ibmi01
  }
}

# The web tier sits behind the load balancers on a private network: PowerVS gives a public
# network only a /29 (five usable addresses), too few for eight web servers. The drill subnet
# is an isolated range too: a drill must never answer real users.
network "web" {
  type = "private"
  home = { cidr = "10.10.8.0/26", name = "${local.prefix}-web-${local.home_dc}" }
  dr   = { cidr = "10.20.8.0/26", name = "${local.prefix}-web-${local.dr_dc}" }
  test = { cidr = "10.90.8.0/26", name = "${local.prefix}-web-drill" }
}
