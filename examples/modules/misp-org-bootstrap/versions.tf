terraform {
  required_version = ">= 1.11"

  required_providers {
    misp = {
      source  = "misp-iac/misp"
      version = "~> 0.1"
    }
  }
}
