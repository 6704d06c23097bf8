# Terraform 1.12 and newer: import by resource identity. `region` and `account_id` may be given
# too; they must then be the provider's.
import {
  to = vault_secrets_stack.main
  identity = {
    environment_suffix = "prod"
  }
}
