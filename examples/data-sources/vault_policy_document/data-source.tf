# Review the least-privilege policies of a stack in CI, before anything exists.
data "vault_policy_document" "prod" {
  environment_suffix = "prod"
  tags = {
    CostCenter = "FinancialServices"
    Compliance = "PCI-DSS"
  }
}

output "rotation_role_policy" {
  value = data.vault_policy_document.prod.rotation_role_policy_json
}

output "key_policies" {
  value = {
    for name, doc in data.vault_policy_document.prod.policies : name => jsondecode(doc)
    if length(regexall("-key$", name)) > 0
  }
}

# What the CI role that runs Terraform for this stack needs, and nothing more.
output "deployer_policy" {
  value = data.vault_policy_document.prod.deployer_policy_json
}
