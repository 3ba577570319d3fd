# `terraform test` for the module, against the mispfake emulator: `make test-modules` in this repository, or
# by hand as the README shows. The provider reads MISP_URL and MISP_API_KEY from the environment.

provider "misp" {}

variables {
  name   = "tftest Bootstrap CERT"
  admins = ["Alice@cert.example.org", "bob@cert.example.org"]
}

run "rejects_invalid_admins" {
  command = plan

  variables {
    admins = ["alice@cert.example.org", "not-an-address"]
  }

  expect_failures = [var.admins]
}

run "rejects_duplicate_admins" {
  command = plan

  variables {
    admins = ["bob@cert.example.org", "BOB@cert.example.org"]
  }

  expect_failures = [var.admins]
}

run "seeded_org_admin_role" {
  command = apply

  assert {
    condition     = misp_organisation.this.name == var.name && misp_organisation.this.local
    error_message = "The organisation is not the local organisation named by var.name."
  }

  assert {
    condition     = output.admin_role_id == "2"
    error_message = "Without custom_role the admins must get the seeded Org Admin role (2)."
  }

  assert {
    condition     = length(misp_role.org_admin) == 0
    error_message = "No role may be created without custom_role."
  }

  assert {
    condition     = keys(output.admin_user_ids) == ["alice@cert.example.org", "bob@cert.example.org"]
    error_message = "There must be one admin account per address, keyed by lower-cased e-mail."
  }

  assert {
    condition     = alltrue([for u in misp_user.admin : u.org_id == misp_organisation.this.id && tostring(u.role_id) == "2"])
    error_message = "Every admin must be in the organisation with role 2."
  }
}

run "misp_has_the_admins" {
  module {
    source = "./tests/verify"
  }

  variables {
    organisation_id = run.seeded_org_admin_role.organisation_id
  }

  assert {
    condition     = output.emails == tolist(["alice@cert.example.org", "bob@cert.example.org"])
    error_message = "MISP does not list exactly the two admins in the organisation."
  }

  assert {
    condition     = output.role_names == tolist(["Org Admin"])
    error_message = "MISP does not show the admins with the Org Admin role."
  }
}

run "custom_role" {
  command = apply

  variables {
    custom_role = {
      name = "tftest Bootstrap Org Admin"
    }
  }

  assert {
    condition     = output.organisation_id == run.seeded_org_admin_role.organisation_id
    error_message = "Adding a custom role must not replace the organisation."
  }

  assert {
    condition     = output.admin_user_ids == run.seeded_org_admin_role.admin_user_ids
    error_message = "Switching the role must update the admins in place, not recreate them."
  }

  assert {
    condition     = output.admin_role_id == misp_role.org_admin[0].id && misp_role.org_admin[0].perm_admin
    error_message = "The admins' role must be the custom role, with perm_admin."
  }

  assert {
    condition     = alltrue([for u in misp_user.admin : tostring(u.role_id) == tostring(misp_role.org_admin[0].id)])
    error_message = "Every admin must hold the custom role."
  }
}

run "misp_has_the_custom_role" {
  module {
    source = "./tests/verify"
  }

  variables {
    organisation_id = run.custom_role.organisation_id
  }

  assert {
    condition     = output.role_names == tolist(["tftest Bootstrap Org Admin"])
    error_message = "MISP does not show the admins with the custom role."
  }
}

run "partner_sharing_group" {
  command = apply

  variables {
    custom_role = {
      name = "tftest Bootstrap Org Admin"
    }
    partner_sharing_group = {
      name          = "tftest Bootstrap partners"
      releasability = "partners only"
    }
  }

  assert {
    condition     = output.partner_sharing_group_id != null && misp_sharing_group.partners[0].name == "tftest Bootstrap partners"
    error_message = "The partner sharing group was not created."
  }

  assert {
    condition     = misp_sharing_group.partners[0].organisations == toset([{ organisation_id = misp_organisation.this.id, extend = true }])
    error_message = "The organisation must be the group's only member, allowed to extend it."
  }

  assert {
    condition     = output.organisation_id == run.seeded_org_admin_role.organisation_id
    error_message = "Adding the sharing group must not replace the organisation."
  }
}

run "bot_account" {
  command = apply

  variables {
    custom_role = {
      name = "tftest Bootstrap Org Admin"
    }
    bot = {
      email       = "Feed-Bot@cert.example.org"
      allowed_ips = ["127.0.0.1", "::1"]
    }
  }

  assert {
    condition     = misp_user.bot[0].email == "feed-bot@cert.example.org" && tostring(misp_user.bot[0].role_id) == "3"
    error_message = "The bot must be a plain user (role 3) with the lower-cased address."
  }

  assert {
    condition     = misp_auth_key.bot[0].read_only && length(misp_auth_key.bot[0].allowed_ips) == 2
    error_message = "The bot's key must be read-only and pinned to the given addresses."
  }

  assert {
    condition     = length(nonsensitive(output.bot_api_key)) == 40
    error_message = "The bot's API key must be in the output (40 characters)."
  }
}

run "bot_key_rotation" {
  command = apply

  variables {
    custom_role = {
      name = "tftest Bootstrap Org Admin"
    }
    bot = {
      email       = "Feed-Bot@cert.example.org"
      allowed_ips = ["127.0.0.1", "::1"]
      rotation    = "2"
    }
  }

  assert {
    condition     = output.bot_key_id != run.bot_account.bot_key_id && output.bot_user_id == run.bot_account.bot_user_id
    error_message = "Bumping rotation must replace the key, not the bot user."
  }
}
