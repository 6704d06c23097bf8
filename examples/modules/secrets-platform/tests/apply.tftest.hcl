# An apply run: the stack is created, the outputs an application team reads are checked, and
# rotation reports healthy. terraform test destroys the stack afterwards.
# Run against moto with AWS_ENDPOINT_URL=http://127.0.0.1:<port> terraform test (see README).

provider "vault" {
  region = "us-east-1"
}

variables {
  environment         = "tftest"
  cost_center         = "FinancialServices"
  compliance          = "PCI-DSS"
  availability_zones  = ["us-east-1a", "us-east-1b"]
  rotation_after_days = 14
  cloudtrail          = false
}

run "the_applied_stack_has_the_outputs_an_application_needs_and_healthy_rotation" {
  command = apply

  assert {
    condition     = startswith(output.secret_arn, "arn:aws:secretsmanager:us-east-1:") && strcontains(output.secret_arn, ":secret:secret-tftest")
    error_message = "secret_arn is the stack's Secrets Manager secret: ${output.secret_arn}"
  }
  assert {
    condition     = startswith(output.secret_kms_key_arn, "arn:aws:kms:us-east-1:")
    error_message = "secret_kms_key_arn is a KMS key ARN: ${output.secret_kms_key_arn}"
  }
  assert {
    condition     = output.endpoints.writer != "" && output.endpoints.reader != "" && output.endpoints.writer != output.endpoints.reader && output.endpoints.port == 3306
    error_message = "The writer and reader endpoints are distinct and the port is 3306."
  }
  assert {
    condition     = toset(keys(output.vpc_endpoint_ids)) == toset(["kms", "secretsmanager"])
    error_message = "Secrets Manager and KMS are reachable through interface endpoints."
  }
  assert {
    condition     = output.rotation.enabled && output.rotation.automatically_after_days == 14
    error_message = "Rotation is enabled every 14 days: ${jsonencode(output.rotation)}"
  }
  assert {
    condition     = output.rotation.next_rotation_date != null && timecmp(output.rotation.next_rotation_date, plantimestamp()) > 0
    error_message = "The next rotation is in the future: ${jsonencode(output.rotation)}"
  }
  assert {
    condition     = output.healthy && output.rotation.healthy && output.rotation.last_rotation_error == null
    error_message = "Rotation is healthy: ${jsonencode(output.rotation)}"
  }
}
