# Inputs. Override them with -var "app_count=14", a -var-file (HCL or .json), or the
# environment (DRCTL_VAR_app_count=14); on the command line the last one given wins.

variable "env" {
  type        = string
  default     = "prod"
  description = "Environment name, used in every PowerVS name"

  validation {
    condition     = contains(["prod", "uat"], var.env)
    error_message = "env must be \"prod\" or \"uat\"."
  }
}

variable "app_count" {
  type        = number
  default     = 12
  description = "Linux application servers in the pool"

  # Fewer than 4 cannot carry month-end load. The DR site's capacity is reserved for 20, so
  # going higher is a capacity decision to make with IBM first, not a one-line change.
  # (Each extra 10 app servers also add a boot wave, about 2.5 minutes, to the predicted RTO.)
  validation {
    condition     = var.app_count >= 4 && var.app_count <= 20
    error_message = "app_count must be between 4 and 20."
  }
}

variable "web_count" {
  type    = number
  default = 8
}

locals {
  home_dc = "dal13"
  dr_dc   = "wdc04"

  # Every PowerVS name starts with the same prefix: erp-prod-…
  prefix = "erp-${var.env}"

  # Images by OS, so a version bump is one line.
  images = {
    aix  = "7300-02-02"
    ibmi = "IBMi-75-03"
    rhel = "RHEL9-SP4"
    sles = "SLES15-SP6"
  }
}
