# Development: the smallest stack that still works like prod. One database instance (the plan
# warns: no failover), two zones, monthly rotation, short log retention.
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

  environment = "dev"
  cost_center = "FinancialServices"
  compliance  = "PCI-DSS"
  tags        = { Owner = "app-team", DataClass = "test" }

  cidr_block         = "10.10.0.0/16"
  availability_zones = ["us-east-1a", "us-east-1b"]
  instance_class     = "db.t3.medium"
  instance_count     = 1

  rotation_after_days      = 30
  log_retention_days       = 30
  kms_deletion_window_days = 7
  # A dev account usually shares the organisation's trail.
  cloudtrail = false
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
