# Fail a CI pipeline when the database secret has stopped rotating.
data "vault_rotation_status" "prod" {
  environment_suffix = "prod"
}

check "secret_rotation" {
  assert {
    condition     = data.vault_rotation_status.prod.healthy
    error_message = "Secret rotation is unhealthy: ${coalesce(data.vault_rotation_status.prod.last_rotation_error, "overdue or disabled")}"
  }
}
