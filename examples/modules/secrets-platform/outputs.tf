# What an application team needs: where the credentials are, how to reach the database, and
# whether rotation is healthy. No output carries a secret value.

output "secret_arn" {
  description = "ARN of the Secrets Manager secret holding the database credentials (JSON: engine, host, port, username, password, dbname). Grant readers secretsmanager:GetSecretValue on it."
  value       = vault_secrets_stack.this.secret_arn
}

output "secret_name" {
  description = "Name of the database secret."
  value       = vault_secrets_stack.this.secret_name
}

output "secret_kms_key_arn" {
  description = "KMS key the secret is encrypted with; readers also need kms:Decrypt on it."
  value       = vault_secrets_stack.this.kms_key_arns["secrets"]
}

output "endpoints" {
  description = "Database endpoints: writer (cluster) and reader, and the port."
  value = {
    writer = vault_secrets_stack.this.cluster_endpoint
    reader = vault_secrets_stack.this.reader_endpoint
    port   = vault_secrets_stack.this.database[0].port
  }
}

output "vpc_id" {
  description = "The platform's private VPC, for peering or attaching application subnets."
  value       = vault_secrets_stack.this.vpc_id
}

output "vpc_endpoint_ids" {
  description = "Interface VPC endpoints (secretsmanager, kms) with private DNS inside the VPC."
  value       = vault_secrets_stack.this.vpc_endpoint_ids
}

output "rotation" {
  description = "Rotation health from Secrets Manager and the rotation function's log: enabled, schedule, last and next dates, last error."
  value = {
    enabled                  = data.vault_rotation_status.this.rotation_enabled
    automatically_after_days = data.vault_rotation_status.this.automatically_after_days
    schedule_expression      = data.vault_rotation_status.this.schedule_expression
    last_rotated_date        = data.vault_rotation_status.this.last_rotated_date
    next_rotation_date       = data.vault_rotation_status.this.next_rotation_date
    in_progress              = data.vault_rotation_status.this.rotation_in_progress
    last_rotation_error      = data.vault_rotation_status.this.last_rotation_error
    healthy                  = data.vault_rotation_status.this.healthy
  }
}

output "healthy" {
  description = "True when rotation is enabled with a function, not overdue, and did not last fail: the one value to alert on."
  value       = data.vault_rotation_status.this.healthy
}
