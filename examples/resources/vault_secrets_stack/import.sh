# The import id is the stack's environment_suffix: every object tagged
# vault:stack = <suffix> is found and the inputs are read back from AWS.
terraform import vault_secrets_stack.main prod
