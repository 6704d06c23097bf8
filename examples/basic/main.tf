# The smallest useful stack: everything else takes its secure default.
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

resource "vault_secrets_stack" "main" {
  environment_suffix = "dev"
  tags = {
    CostCenter = "FinancialServices"
    Compliance = "PCI-DSS"
  }

  network {
    cidr_block         = "10.0.0.0/16"
    availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
  }
  database {
    instance_class  = "db.t3.medium"
    instance_count  = 2
    database_name   = "app"
    master_username = "appadmin"
  }
  rotation {
    automatically_after_days = 30
  }
  logs {
    retention_in_days = 365
  }
}

output "secret_arn" {
  value = vault_secrets_stack.main.secret_arn
}

output "cluster_endpoint" {
  value = vault_secrets_stack.main.cluster_endpoint
}

output "rotation_lambda_arn" {
  value = vault_secrets_stack.main.rotation_lambda_arn
}

output "kms_key_arns" {
  value = vault_secrets_stack.main.kms_key_arns
}

output "components" {
  description = "Every AWS object of the stack, by logical name."
  value       = vault_secrets_stack.main.components
}
