# Inputs of the secrets platform. Everything but the environment name and the two compliance
# tags has a default fit for a small non-production environment; prod overrides sizes, zones
# and the rotation schedule (see examples/environments/).

variable "environment" {
  description = "Environment name, appended to every AWS object's name (e.g. \"dev\", \"prod\"): 1 to 24 lowercase letters, digits or hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{1,24}$", var.environment))
    error_message = "The environment must be 1 to 24 lowercase letters, digits or hyphens (it becomes part of every AWS object's name)."
  }
}

variable "cost_center" {
  description = "Value of the mandatory CostCenter tag on every object."
  type        = string

  validation {
    condition     = length(trimspace(var.cost_center)) > 0
    error_message = "The cost_center must not be empty: every object carries it as the CostCenter tag."
  }
}

variable "compliance" {
  description = "Value of the mandatory Compliance tag on every object (e.g. \"PCI-DSS\")."
  type        = string

  validation {
    condition     = length(trimspace(var.compliance)) > 0
    error_message = "The compliance must not be empty: every object carries it as the Compliance tag."
  }
}

variable "tags" {
  description = "Further tags for every object. Environment, CostCenter and Compliance are set from the other variables and win over keys of the same name here."
  type        = map(string)
  default     = {}
}

variable "cidr_block" {
  description = "IPv4 range of the stack's private VPC."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0))
    error_message = "The cidr_block must be an IPv4 CIDR such as \"10.0.0.0/16\"."
  }
}

variable "availability_zones" {
  description = "Availability zones for the private subnets and the database instances: at least two, so that the database can fail over."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "Give at least two distinct availability zones: the database needs a second zone to fail over to."
  }
}

variable "instance_class" {
  description = "Aurora MySQL instance class (db.t3.medium is the smallest Aurora MySQL 8.0 supports)."
  type        = string
  default     = "db.t3.medium"
}

variable "instance_count" {
  description = "Aurora instances: one writer and the rest readers. 1 is allowed outside production (the plan warns: no failover)."
  type        = number
  default     = 2

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 16 && floor(var.instance_count) == var.instance_count
    error_message = "The instance_count must be a whole number from 1 to 16 (one writer, up to 15 readers)."
  }
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "app"
}

variable "master_username" {
  description = "Database master user whose password the platform rotates. The password itself never leaves Secrets Manager."
  type        = string
  default     = "appadmin"
}

variable "rotation_after_days" {
  description = "Rotate the password every this many days. Ignored when rotation_schedule_expression is set."
  type        = number
  default     = 30

  validation {
    condition     = var.rotation_after_days >= 1 && var.rotation_after_days <= 1000
    error_message = "The rotation_after_days must be from 1 to 1000 (Secrets Manager's limits)."
  }
}

variable "rotation_schedule_expression" {
  description = "Rotate on a schedule instead, as Secrets Manager writes it: \"rate(10 days)\" or \"cron(0 4 ? * SUN *)\". Null to rotate every rotation_after_days."
  type        = string
  default     = null
}

variable "rotation_window" {
  description = "How long each scheduled rotation may take to start (e.g. \"3h\"); only with rotation_schedule_expression."
  type        = string
  default     = null
}

variable "rotation_runtime" {
  description = "Node.js runtime of the rotation function."
  type        = string
  default     = "nodejs22.x"
}

variable "log_retention_days" {
  description = "Days to keep the rotation function's and the audit log groups' events."
  type        = number
  default     = 365
}

variable "kms_deletion_window_days" {
  description = "Days a destroyed stack's KMS keys wait before AWS deletes them (7 to 30)."
  type        = number
  default     = 7
}

variable "cloudtrail" {
  description = "Create a CloudTrail trail auditing access to the secret. Turn off in accounts that already run an organisation trail."
  type        = bool
  default     = true
}
