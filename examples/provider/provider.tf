terraform {
  required_providers {
    misp = {
      source  = "misp-iac/misp"
      version = "~> 0.1"
    }
  }
}

# The URL and API key usually come from the environment (MISP_URL, MISP_API_KEY)
# or from a profile file, so that no secret is written into configuration.
provider "misp" {
  url = "https://misp.example.org"
  # api_key = var.misp_api_key # or MISP_API_KEY

  timeout     = 30 # seconds per HTTP request
  max_retries = 4  # attempts per request, the first included (see "Retries and timeouts")
}
