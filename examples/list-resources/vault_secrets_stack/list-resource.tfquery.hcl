# Terraform 1.14 and newer, in a `.tfquery.hcl` file:
#   terraform query                                    # every stack in the account and region
#   terraform query -generate-config-out=stacks.tf     # import blocks and configuration for each
list "vault_secrets_stack" "all" {
  provider = vault
}
