# One secrets platform per environment: the stack and whether its secret really rotates.
# The module configures no provider: the calling root (or a .tftest.hcl file) does, so one
# module serves every account and region. It sticks to Terraform 1.0 syntax.

terraform {
  required_version = ">= 1.0"
  required_providers {
    vault = {
      source = "platform/vault"
    }
  }
}

resource "vault_secrets_stack" "this" {
  environment_suffix = var.environment
  tags = merge(var.tags, {
    CostCenter = var.cost_center
    Compliance = var.compliance
  })

  network {
    cidr_block         = var.cidr_block
    availability_zones = var.availability_zones
  }
  database {
    instance_class  = var.instance_class
    instance_count  = var.instance_count
    database_name   = var.database_name
    master_username = var.master_username
  }
  rotation {
    # The provider takes one of the two: days unless a schedule expression is given.
    automatically_after_days = var.rotation_schedule_expression == null ? var.rotation_after_days : null
    schedule_expression      = var.rotation_schedule_expression
    duration                 = var.rotation_window
    runtime                  = var.rotation_runtime
  }
  logs {
    retention_in_days = var.log_retention_days
  }
  kms {
    deletion_window_in_days = var.kms_deletion_window_days
  }
  audit {
    cloudtrail = var.cloudtrail
  }
}

# Read after the stack exists (its ARN is known only then), so health reflects this apply.
data "vault_rotation_status" "this" {
  secret_arn = vault_secrets_stack.this.secret_arn
}
