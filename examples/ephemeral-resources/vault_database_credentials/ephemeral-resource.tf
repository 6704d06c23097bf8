# Terraform 1.10 and newer: the stack's current database credentials, for this run only. They
# configure another provider (here the community MySQL provider) without ever being written to
# state or to a plan file.
terraform {
  required_providers {
    vault = { source = "platform/vault" }
    mysql = { source = "petoju/mysql" }
  }
}

ephemeral "vault_database_credentials" "prod" {
  environment_suffix = "prod"
}

provider "mysql" {
  endpoint = "${ephemeral.vault_database_credentials.prod.host}:${ephemeral.vault_database_credentials.prod.port}"
  username = ephemeral.vault_database_credentials.prod.username
  password = ephemeral.vault_database_credentials.prod.password
}

# Or a provisioner: the password reaches the command through its environment.
resource "terraform_data" "migrate" {
  provisioner "local-exec" {
    command = "mysql -h \"$DB_HOST\" -P \"$DB_PORT\" -u \"$DB_USER\" \"$DB_NAME\" < schema.sql"
    environment = {
      DB_HOST   = ephemeral.vault_database_credentials.prod.host
      DB_PORT   = ephemeral.vault_database_credentials.prod.port
      DB_USER   = ephemeral.vault_database_credentials.prod.username
      DB_NAME   = ephemeral.vault_database_credentials.prod.dbname
      MYSQL_PWD = ephemeral.vault_database_credentials.prod.password
    }
  }
}
