terraform {
  required_providers {
    vault = {
      source = "platform/vault"
    }
  }
}

provider "vault" {
  region  = "us-east-1"
  profile = "prod" # optional: otherwise the standard AWS credential chain

  # Merged into every taggable object of every stack.
  default_tags = {
    Team       = "platform"
    CostCenter = "FinancialServices"
  }

  # Optional: point services at an emulator (moto, LocalStack) or FIPS endpoints.
  # AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured too.
  # endpoints {
  #   ec2 = "http://127.0.0.1:5000"
  # }
}
