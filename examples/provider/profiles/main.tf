# Credentials from an INI profile file instead of attributes or environment variables.
provider "misp" {
  config_file = pathexpand("~/.config/misp/misp.ini") # or MISP_CONFIG_FILE
  profile     = "production"                          # or MISP_PROFILE
}
