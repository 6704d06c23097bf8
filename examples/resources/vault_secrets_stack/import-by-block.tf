# Terraform 1.5 and newer: import in the plan itself.
import {
  to = vault_secrets_stack.main
  id = "prod"
}
