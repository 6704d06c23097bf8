# Plan-only runs: the module's validation and the warnings a plan shows. Nothing is created.
# Run against moto with AWS_ENDPOINT_URL=http://127.0.0.1:<port> terraform test (see README).

provider "vault" {
  region = "us-east-1"
}

variables {
  environment        = "tfplan"
  cost_center        = "FinancialServices"
  compliance         = "PCI-DSS"
  availability_zones = ["us-east-1a", "us-east-1b"]
}

run "an_environment_name_with_capitals_and_underscores_is_rejected" {
  command = plan

  variables {
    environment = "Dev_1"
  }

  expect_failures = [var.environment]
}

run "a_single_availability_zone_is_rejected" {
  command = plan

  variables {
    availability_zones = ["us-east-1a"]
  }

  expect_failures = [var.availability_zones]
}

run "an_empty_compliance_tag_is_rejected" {
  command = plan

  variables {
    compliance = " "
  }

  expect_failures = [var.compliance]
}

run "a_fractional_instance_count_is_rejected" {
  command = plan

  variables {
    instance_count = 1.5
  }

  expect_failures = [var.instance_count]
}

# The provider warns "A single instance has no failover" in this plan (checked by the e2e test
# that runs these files: terraform test has no assertion on warnings).
run "a_single_instance_plans_with_mandatory_tags_and_a_day_interval" {
  command = plan

  variables {
    instance_count = 1
    tags           = { Owner = "app-team", CostCenter = "overridden" }
  }

  assert {
    condition     = vault_secrets_stack.this.database[0].instance_count == 1
    error_message = "The plan should have one database instance."
  }
  assert {
    condition     = vault_secrets_stack.this.tags["CostCenter"] == "FinancialServices" && vault_secrets_stack.this.tags["Compliance"] == "PCI-DSS" && vault_secrets_stack.this.tags["Owner"] == "app-team"
    error_message = "The mandatory tags come from cost_center and compliance, over tags of the same name."
  }
  assert {
    condition     = vault_secrets_stack.this.rotation[0].automatically_after_days == 30 && vault_secrets_stack.this.rotation[0].schedule_expression == null
    error_message = "Without a schedule expression the secret rotates every 30 days."
  }
}

run "a_schedule_expression_replaces_the_day_interval" {
  command = plan

  variables {
    rotation_schedule_expression = "cron(0 4 ? * SUN *)"
    rotation_window              = "3h"
  }

  assert {
    condition     = vault_secrets_stack.this.rotation[0].schedule_expression == "cron(0 4 ? * SUN *)" && vault_secrets_stack.this.rotation[0].automatically_after_days == null
    error_message = "A schedule expression is passed on and the day interval left out."
  }
}
