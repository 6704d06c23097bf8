# Production: three zones, a writer and two readers on memory-optimised instances, rotation
# every Sunday at 04:00 UTC within a three-hour window, long retention, its own audit trail.
terraform {
  required_providers {
    vault = {
      source = "platform/vault"
    }
  }
}

variable "aws_endpoint" {
  description = "Set to an emulator's URL (e.g. moto server) to run without an AWS account."
  type        = string
  default     = null
}

provider "vault" {
  region       = "us-east-1"
  default_tags = { Team = "platform" }

  dynamic "endpoints" {
    for_each = var.aws_endpoint == null ? [] : [var.aws_endpoint]
    content {
      cloudtrail     = endpoints.value
      ec2            = endpoints.value
      iam            = endpoints.value
      kms            = endpoints.value
      lambda         = endpoints.value
      logs           = endpoints.value
      rds            = endpoints.value
      s3             = endpoints.value
      secretsmanager = endpoints.value
      sts            = endpoints.value
    }
  }
}

module "secrets" {
  source = "../../modules/secrets-platform"

  environment = "prod"
  cost_center = "FinancialServices"
  compliance  = "PCI-DSS"
  tags        = { Owner = "app-team", DataClass = "confidential", OnCall = "platform-pager" }

  cidr_block         = "10.20.0.0/16"
  availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
  instance_class     = "db.r6g.large"
  instance_count     = 3

  rotation_schedule_expression = "cron(0 4 ? * SUN *)"
  rotation_window              = "3h"
  log_retention_days           = 731
  kms_deletion_window_days     = 30
  cloudtrail                   = true
}

output "secret_arn" {
  value = module.secrets.secret_arn
}

output "endpoints" {
  value = module.secrets.endpoints
}

output "rotation" {
  value = module.secrets.rotation
}

output "healthy" {
  value = module.secrets.healthy
}
