# Terraform 1.14 and newer. Rotate now, on demand:
#   terraform apply -invoke=action.vault_rotate_secret.prod
action "vault_rotate_secret" "prod" {
  config {
    environment_suffix = "prod"
    timeout            = "5m"
  }
}

# Or after every change to the stack (a new rotation function, new rotation settings).
resource "vault_secrets_stack" "prod" {
  environment_suffix = "prod"
  # ...

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.vault_rotate_secret.prod]
    }
  }
}
