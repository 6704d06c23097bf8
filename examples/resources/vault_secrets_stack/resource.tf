resource "vault_secrets_stack" "main" {
  environment_suffix = "prod"
  tags = {
    CostCenter = "FinancialServices"
    Compliance = "PCI-DSS"
  }

  network {
    cidr_block         = "10.20.0.0/16"
    availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
  }
  database {
    instance_class  = "db.r6g.large"
    instance_count  = 3
    database_name   = "app"
    master_username = "appadmin"
  }
  rotation {
    schedule_expression = "cron(0 4 ? * SUN *)"
    duration            = "3h"
  }
  logs {
    retention_in_days = 731
  }
  kms {
    deletion_window_in_days = 30
  }
  timeouts {
    create = "2h"
  }
}

output "secret_arn" {
  value = vault_secrets_stack.main.secret_arn
}

# For review in CI: the least-privilege policy the rotation function gets.
output "rotation_policy" {
  value = vault_secrets_stack.main.rotation_policy_json
}
