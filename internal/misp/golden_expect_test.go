package misp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// goldenExpect says, for every recorded step that a client method sends ("scenario/step"), what the client
// must make of real MISP's answer.
var goldenExpect = map[string]expectation{
	// --- connection ---
	"connection/getversion_admin": succeeds(func(t *testing.T, o outcome) {
		v := as[*misp.Version](t, o.v)
		eq(t, "version", v.Version, "2.5.1")
		eq(t, "pymisp", v.PyMISPRecommendedVersion, "2.5.1")
		eq(t, "perm_sync", v.PermSync, true)
		eq(t, "uuid", len(v.UUID), 36)
		eq(t, "request_encoding", strings.Join(v.RequestEncoding, ","), "gzip")
		eq(t, "filter_sightings", v.FilterSightings, true)
	}),
	"connection/viewme_admin": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "id", v.User.ID, "1")
		eq(t, "email", v.User.Email, "admin@admin.test")
		eq(t, "date_created", v.User.DateCreated, 0) // null for the seeded admin
		eq(t, "role", v.Role.Name, "admin")
		eq(t, "perm_site_admin", v.Role.PermSiteAdmin, true)
		eq(t, "permission", int64(v.Role.Permission), misp.PermissionPublish)
		eq(t, "org", v.Organisation.Name, "ORGNAME")
		eq(t, "settings", len(v.UserSetting), 0)
	}),
	"connection/getversion_wrong_key": authFailed(false),
	"connection/viewme_wrong_key":     authFailed(false),
	"connection/getversion_no_key":    authFailed(false),
	"connection/getversion_no_accept": loginRedirect,
	"connection/viewme_no_accept":     loginRedirect,
	"connection/setup_org":            org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_conn"))) }),
	"connection/setup_role_no_api":    role(func(t *testing.T, o outcome, r *misp.Role) { eq(t, "perm_auth", r.PermAuth, false) }),
	"connection/setup_user_plain":     added("user_plain", "key_plain", "conn-plain@example.org", nil),
	"connection/setup_user_disabled":  added("user_disabled", "key_disabled", "conn-disabled@example.org", func(t *testing.T, _ outcome, u *misp.User) { eq(t, "disabled", u.Disabled, true) }),
	"connection/setup_user_noapi":     added("user_noapi", "key_noapi", "conn-noapi@example.org", func(t *testing.T, o outcome, u *misp.User) { eq(t, "role", u.RoleID, misp.ID(o.val("role_noapi"))) }),
	"connection/getversion_user": succeeds(func(t *testing.T, o outcome) {
		v := as[*misp.Version](t, o.v)
		eq(t, "perm_sync", v.PermSync, false)
		eq(t, "uuid", v.UUID, "-")
	}),
	"connection/viewme_user": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "id", v.User.ID, misp.ID(o.val("user_plain")))
		eq(t, "role", v.Role.Name, "User")
	}),
	"connection/getversion_disabled_user":    authFailed(true),
	"connection/viewme_disabled_user":        authFailed(true),
	"connection/getversion_role_without_api": authFailed(false),
	"connection/cleanup_user_plain":          done,
	"connection/cleanup_user_disabled":       done,
	"connection/cleanup_user_noapi":          done,
	"connection/cleanup_role":                done,
	"connection/cleanup_org":                 done,

	// --- organisations ---
	"organisations/add_minimal": org(func(t *testing.T, o outcome, x *misp.Organisation) {
		eq(t, "id", x.ID, misp.ID(o.val("org_min")))
		eq(t, "name", x.Name, o.name("Org Min"))
		eq(t, "local", x.Local, true)
		eq(t, "uuid", x.UUID, o.val("uuid_min"))
		eq(t, "created_by", x.CreatedBy, "1")
		eq(t, "nationality", x.Nationality, "")
		if x.RestrictedToDomain != nil {
			t.Errorf("restricted_to_domain %q, want nil (MISP sends null)", x.RestrictedToDomain)
		}
		eq(t, "user_count", x.UserCount, 0) // not in the add answer
	}),
	"organisations/add_full": org(func(t *testing.T, o outcome, x *misp.Organisation) {
		eq(t, "id", x.ID, misp.ID(o.val("org_full")))
		eq(t, "uuid", x.UUID, o.val("uuid_full"))
		eq(t, "local", x.Local, false)
		eq(t, "type", x.Type, "CSIRT")
		eq(t, "nationality", x.Nationality, "Luxembourg")
		eq(t, "sector", x.Sector, "Research")
		eq(t, "contacts", x.Contacts, "soc@golden.example")
		eq(t, "description", x.Description, "Recorded by make golden")
		eq(t, "domains", strings.Join(x.RestrictedToDomain, ","), "golden.example,example.org")
		eq(t, "landingpage", x.Landingpage, "https://golden.example/")
	}),
	"organisations/add_duplicate_name": failsWith(403, "Could not add Organisation", map[string][]string{"name": {"An organisation with this name already exists."}}),
	"organisations/add_empty_name":     failsWith(403, "Could not add Organisation", map[string][]string{"name": {"Name cannot be empty."}}),
	"organisations/add_invalid_uuid":   failsWith(403, "Could not add Organisation", map[string][]string{"uuid": {"Please provide a valid RFC 4122 UUID"}}),
	"organisations/add_duplicate_uuid": failsWith(403, "Could not add Organisation", map[string][]string{"uuid": {"An organisation with this UUID already exists."}}),
	"organisations/add_bad_json":       badJSONInput,
	"organisations/add_special_name":   org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "name", x.Name, o.name("R&D + Ops 100%")) }),
	"organisations/view_by_id": org(func(t *testing.T, o outcome, x *misp.Organisation) {
		eq(t, "id", x.ID, misp.ID(o.val("org_min")))
		eq(t, "user_count", x.UserCount, 0)
		eq(t, "created_by_email", x.CreatedByEmail, "admin@admin.test")
		eq(t, "landingpage", x.Landingpage, "") // not in views
	}),
	"organisations/view_full_by_id": org(func(t *testing.T, o outcome, x *misp.Organisation) {
		eq(t, "name", x.Name, o.name("Org Full"))
		eq(t, "domains", strings.Join(x.RestrictedToDomain, ","), "golden.example,example.org")
	}),
	"organisations/view_by_uuid":         org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_full"))) }),
	"organisations/view_by_name":         org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_min"))) }),
	"organisations/view_special_by_name": org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_special"))) }),
	"organisations/view_unknown_id":      invalidOrg,
	"organisations/view_unknown_uuid":    invalidOrg,
	"organisations/view_unknown_name":    invalidOrg,
	"organisations/view_id_zero":         invalidOrg,
	"organisations/index_default_scope":  orgs("golden-{run} Org Min", "golden-{run} R&D + Ops 100%", "ORGNAME"),
	"organisations/index_all":            orgs("golden-{run} Org Full", "golden-{run} Org Min", "golden-{run} R&D + Ops 100%", "ORGNAME"),
	"organisations/index_all_search":     orgs("golden-{run} Org Full", "golden-{run} Org Min", "golden-{run} R&D + Ops 100%"),
	"organisations/index_external_search": succeeds(func(t *testing.T, o outcome) {
		list := as[[]misp.Organisation](t, o.v)
		if len(list) != 1 || list[0].Name != o.name("Org Full") || list[0].UserCount != 0 || list[0].CreatedByEmail != "admin@admin.test" {
			t.Errorf("external organisations %+v", list)
		}
	}),
	"organisations/index_search_nothing": succeeds(func(t *testing.T, o outcome) {
		if list := as[[]misp.Organisation](t, o.v); list == nil || len(list) != 0 {
			t.Errorf("%#v, want an empty list", list)
		}
	}),
	"organisations/edit_partial": org(func(t *testing.T, o outcome, x *misp.Organisation) {
		eq(t, "description", x.Description, "edited")
		eq(t, "sector", x.Sector, "Finance")
		eq(t, "name", x.Name, o.name("Org Min")) // kept
		if x.RestrictedToDomain == nil || len(x.RestrictedToDomain) != 0 {
			t.Errorf("restricted_to_domain %#v, want empty", x.RestrictedToDomain)
		}
	}),
	"organisations/edit_rename": org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "name", x.Name, o.name("Org Min Renamed")) }),
	"organisations/edit_by_uuid": org(func(t *testing.T, o outcome, x *misp.Organisation) {
		eq(t, "id", x.ID, misp.ID(o.val("org_full")))
		eq(t, "local", x.Local, true)
		eq(t, "contacts", x.Contacts, "cert@golden.example")
	}),
	"organisations/edit_duplicate_name": failsWith(403, "Could not edit Organisation", map[string][]string{"name": {"An organisation with this name already exists."}}),
	"organisations/edit_empty_name":     failsWith(403, "Could not edit Organisation", map[string][]string{"name": {"Name cannot be empty."}}),
	"organisations/edit_invalid_uuid":   failsWith(403, "Could not edit Organisation", map[string][]string{"uuid": {"Please provide a valid RFC 4122 UUID"}}),
	"organisations/edit_unknown_id":     invalidOrg,
	"organisations/edit_invalid_id":     invalidOrg,
	"organisations/edit_bad_json":       badJSONInput,
	"organisations/setup_org_admin":     added("user_orgadmin", "key_orgadmin", "org-admin@example.org", func(t *testing.T, _ outcome, u *misp.User) { eq(t, "role", u.RoleID, "2") }),
	"organisations/setup_plain_user":    added("user_plain", "key_plain", "org-user@example.org", nil),
	"organisations/org_admin_add":       denied,
	"organisations/org_admin_edit":      denied,
	"organisations/org_admin_delete":    denied,
	"organisations/org_admin_view_own": org(func(t *testing.T, _ outcome, x *misp.Organisation) {
		eq(t, "created_by", x.CreatedBy, "1")
		eq(t, "created_by_email", x.CreatedByEmail, "admin@admin.test")
		eq(t, "user_count", x.UserCount, 2)
	}),
	"organisations/org_admin_view_other": org(func(t *testing.T, _ outcome, x *misp.Organisation) {
		eq(t, "created_by", x.CreatedBy, "") // hidden without full access
		eq(t, "created_by_email", x.CreatedByEmail, "")
	}),
	"organisations/user_add":      denied,
	"organisations/user_view_own": org(func(t *testing.T, _ outcome, x *misp.Organisation) { eq(t, "created_by", x.CreatedBy, "") }),
	"organisations/user_delete":   denied,
	"organisations/user_index":    orgs("golden-{run} Org Full", "golden-{run} Org Min Renamed", "golden-{run} R&D + Ops 100%"),
	"organisations/delete_with_users": func(t *testing.T, o outcome) {
		failsWith(403, "Could not delete Organisation", nil)(t, o)
		if strings.Contains(o.err.Error(), "permission") {
			t.Errorf("refusal reads like a permission problem: %v", o.err)
		}
	},
	"organisations/cleanup_org_admin":  done,
	"organisations/cleanup_plain_user": done,
	"organisations/delete":             done,
	"organisations/delete_again":       invalidOrg,
	"organisations/delete_by_uuid":     done,
	"organisations/delete_special":     done,
	"organisations/delete_unknown_id":  invalidOrg,
	"organisations/view_deleted":       invalidOrg,

	// --- roles ---
	"roles/index": roles("User", stockRoles...),
	"roles/view_stock": role(func(t *testing.T, _ outcome, r *misp.Role) {
		eq(t, "name", r.Name, "User")
		eq(t, "permission", int64(r.Permission), misp.PermissionManageOrg)
		eq(t, "permission_description", r.PermissionDescription, "manage_org")
		eq(t, "perm_auth", r.PermAuth, true)
		eq(t, "default", r.Default, false) // not in views
		eq(t, "memory_limit", r.MemoryLimit, "")
	}),
	"roles/view_unknown_id": invalidRole,
	"roles/view_invalid_id": internal,
	"roles/add_minimal": role(func(t *testing.T, o outcome, r *misp.Role) {
		eq(t, "id", r.ID, misp.ID(o.val("role_min")))
		eq(t, "name", r.Name, o.name("Role Min"))
		eq(t, "permission", int64(r.Permission), misp.PermissionReadOnly)
		eq(t, "perm_auth", r.PermAuth, false)
		eq(t, "perm_add", r.PermAdd, false)
		if r.Created == "" || r.Modified == "" {
			t.Error("no created/modified")
		}
	}),
	"roles/add_full": role(func(t *testing.T, o outcome, r *misp.Role) {
		eq(t, "permission", int64(r.Permission), misp.PermissionPublish)
		eq(t, "perm_publish", r.PermPublish, true)
		eq(t, "perm_auth", r.PermAuth, true)
		eq(t, "perm_admin", r.PermAdmin, true)
		eq(t, "perm_sync", r.PermSync, false)
		eq(t, "memory_limit", r.MemoryLimit, "512M")
		eq(t, "max_execution_time", r.MaxExecutionTime, "300")
		eq(t, "enforce_rate_limit", r.EnforceRateLimit, true)
		eq(t, "rate_limit_count", r.RateLimitCount, 10)
	}),
	"roles/add_duplicate_name": failsWith(403, "Could not add role", map[string][]string{"name": {"A role with this name already exists."}}),
	"roles/add_empty_name":     failsWith(403, "Could not add role", map[string][]string{"name": {"Name cannot be empty."}}),
	"roles/add_normalised_limits": role(func(t *testing.T, _ outcome, r *misp.Role) {
		eq(t, "memory_limit", r.MemoryLimit, "")
		eq(t, "max_execution_time", r.MaxExecutionTime, "0")
		eq(t, "permission", int64(r.Permission), misp.PermissionManageOrg)
	}),
	"roles/add_bad_json":          badJSONInput,
	"roles/index_by_name":         roles("", "golden-{run} Role Min"),
	"roles/index_by_name_like":    roles("", "golden-{run} Role Min", "golden-{run} Role Full", "golden-{run} Role Limits"),
	"roles/index_by_name_nothing": roles(""),
	"roles/view_min":              role(func(t *testing.T, o outcome, r *misp.Role) { eq(t, "id", r.ID, misp.ID(o.val("role_min"))) }),
	"roles/view_full": role(func(t *testing.T, _ outcome, r *misp.Role) {
		eq(t, "permission", int64(r.Permission), misp.PermissionPublish)
	}),
	"roles/edit": role(func(t *testing.T, _ outcome, r *misp.Role) {
		eq(t, "permission", int64(r.Permission), misp.PermissionManageOwn)
		eq(t, "perm_add", r.PermAdd, true)
		eq(t, "perm_modify_org", r.PermModifyOrg, false)
		eq(t, "perm_tagger", r.PermTagger, true)
		eq(t, "perm_auth", r.PermAuth, true)
	}),
	"roles/edit_rename": role(func(t *testing.T, o outcome, r *misp.Role) {
		eq(t, "name", r.Name, o.name("Role Min Renamed"))
		eq(t, "permission", int64(r.Permission), misp.PermissionReadOnly)
		eq(t, "perm_tagger", r.PermTagger, true) // kept: only the four data flags follow permission
	}),
	"roles/edit_duplicate_name": failsWith(403, "Could not edit Role", map[string][]string{"name": {"A role with this name already exists."}}),
	"roles/edit_empty_name":     failsWith(403, "Could not edit Role", map[string][]string{"name": {"Name cannot be empty."}}),
	"roles/edit_unknown_id":     notFound("Invalid Role"),
	"roles/edit_invalid_id":     notFound("Invalid Role"),
	"roles/edit_limits": role(func(t *testing.T, _ outcome, r *misp.Role) {
		eq(t, "memory_limit", r.MemoryLimit, "lots") // stored as sent on edit
		eq(t, "max_execution_time", r.MaxExecutionTime, "60")
		eq(t, "restricted_to_site_admin", r.RestrictedToSiteAdmin, true)
	}),
	"roles/edit_bad_json":           badJSONInput,
	"roles/set_default":             done,
	"roles/index_after_set_default": roles("golden-{run} Role Full", "golden-{run} Role Min Renamed", "golden-{run} Role Full", "golden-{run} Role Limits"),
	"roles/set_default_unknown_id":  failsWith(403, "Could not set_default Role", map[string][]string{"": {"Invalid Role."}}),
	"roles/set_default_invalid_id":  failsWith(403, "Could not set_default Role", map[string][]string{"": {"Invalid Role."}}),
	"roles/set_default_restore":     done,
	"roles/setup_org":               org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_roles"))) }),
	"roles/setup_org_admin":         added("user_orgadmin", "key_orgadmin", "role-admin@example.org", nil),
	"roles/setup_user_with_role":    added("user_full", "key_full", "role-user@example.org", func(t *testing.T, o outcome, u *misp.User) { eq(t, "role", u.RoleID, misp.ID(o.val("role_full"))) }),
	"roles/setup_plain_user":        added("user_plain", "key_plain", "role-plain@example.org", nil),
	"roles/org_admin_add":           denied,
	"roles/org_admin_delete":        denied,
	"roles/org_admin_index":         roles("", "golden-{run} Role Min Renamed", "golden-{run} Role Full", "golden-{run} Role Limits"),
	"roles/user_edit":               denied,
	"roles/user_set_default":        denied,
	"roles/user_view":               role(func(t *testing.T, o outcome, r *misp.Role) { eq(t, "name", r.Name, o.name("Role Min Renamed")) }),
	"roles/user_index":              roles("User", stockRolesAnd("golden-{run} Role Min Renamed", "golden-{run} Role Full", "golden-{run} Role Limits")...),
	"roles/delete_in_use":           failsWith(403, "Could not delete Role", map[string][]string{"": {"It is not possible to delete role that is assigned to users."}}),
	"roles/cleanup_user_with_role":  done,
	"roles/delete":                  done,
	"roles/delete_again":            invalidRole,
	"roles/delete_min":              done,
	"roles/delete_limits":           done,
	"roles/delete_invalid_id":       internal,
	"roles/view_deleted":            invalidRole,
	"roles/cleanup_org_admin":       done,
	"roles/cleanup_plain_user":      done,
	"roles/cleanup_org":             done,

	// --- users ---
	"users/setup_org":       org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_a"))) }),
	"users/setup_org_other": org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_b"))) }),
	"users/add_minimal": added("user_min", "key_min", "min@example.org", func(t *testing.T, o outcome, u *misp.User) {
		eq(t, "org", u.OrgID, misp.ID(o.val("org_a")))
		eq(t, "role", u.RoleID, "3")
		eq(t, "server_id", u.ServerID, "0")
		eq(t, "change_pw", u.ChangePw, true)
		eq(t, "invited_by", u.InvitedBy, "1")
		eq(t, "autoalert", u.Autoalert, false)
		eq(t, "termsaccepted", u.TermsAccepted, false)
		eq(t, "totp", u.TOTP, "")
		if u.NidsSid < 1000000 || u.NidsSid > 9999999 {
			t.Errorf("nids_sid %d", u.NidsSid)
		}
	}),
	"users/add_full": added("user_full", "key_full", "full@example.org", func(t *testing.T, _ outcome, u *misp.User) {
		eq(t, "role", u.RoleID, "4")
		eq(t, "change_pw", u.ChangePw, false)
		eq(t, "autoalert", u.Autoalert, true)
		eq(t, "contactalert", u.ContactAlert, true)
		eq(t, "termsaccepted", u.TermsAccepted, true)
		eq(t, "nids_sid", u.NidsSid, 5000000)
		eq(t, "external_auth_key", u.ExternalAuthKey, "golden-ext")
	}),
	"users/add_default_role": added("user_default", "key_default", "default@example.org", func(t *testing.T, o outcome, u *misp.User) {
		eq(t, "role", u.RoleID, "3")
		eq(t, "org", u.OrgID, misp.ID(o.val("org_b")))
	}),
	"users/add_duplicate_email":            failsWith(403, "Could not add User", map[string][]string{"email": {"An account with this email address already exists."}}),
	"users/add_duplicate_email_other_case": failsWith(403, "Could not add User", map[string][]string{"email": {"An account with this email address already exists."}}),
	"users/add_invalid_email":              failsWith(403, "Could not add User", map[string][]string{"email": {"Please enter a valid email address."}}),
	"users/add_missing_email":              failsWith(403, "Could not add User", map[string][]string{"email": {"Mandatory field not set."}}),
	"users/add_unknown_role":               failsWith(http.StatusMethodNotAllowed, "Invalid role", nil),
	"users/add_unknown_org":                failsWith(403, "Could not add User", map[string][]string{"": {"Invalid organisation"}}),
	"users/add_short_password":             failsWith(403, "Could not add User", map[string][]string{"password": {"Password length requirement not met."}}),
	"users/add_simple_password":            failsWith(403, "Could not add User", map[string][]string{"password": {"Password complexity requirement not met."}}),
	"users/add_invalid_gpgkey":             failsWith(403, "Could not add User", map[string][]string{"gpgkey": {"GnuPG key not valid, please enter a valid key."}}),
	"users/add_invalid_certificate":        failsWith(403, "Could not add User", map[string][]string{"certif_public": {"Certificate not valid, please enter a valid certificate (x509)."}}),
	"users/add_bad_json":                   badJSONInput,
	"users/add_wrong_key":                  authFailed(false),
	"users/add_notify": added("user_notify", "", "notify@example.org", func(t *testing.T, _ outcome, u *misp.User) {
		eq(t, "change_pw", u.ChangePw, true) // set by the credentials e-mail, although false was sent
	}),
	"users/view": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "id", v.User.ID, misp.ID(o.val("user_min")))
		eq(t, "email", v.User.Email, o.email("min@example.org"))
		eq(t, "totp_is_set", v.User.TOTPIsSet, false)
		eq(t, "orgAdmins", len(v.User.OrgAdmins), 0)
		eq(t, "role", v.Role.Name, "User")
		eq(t, "org", v.Organisation.Name, o.name("Users Org"))
		eq(t, "org landingpage", v.Organisation.Landingpage, "")
	}),
	"users/view_full": view(func(t *testing.T, _ outcome, v *misp.UserView) {
		eq(t, "role", v.Role.Name, "Publisher")
		eq(t, "nids_sid", v.User.NidsSid, 5000000)
	}),
	"users/view_unknown_id": invalidUser,
	"users/view_invalid_id": invalidUser,
	"users/view_me_as_user": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "id", v.User.ID, misp.ID(o.val("user_min")))
		if v.User.LastAPIAccess == 0 {
			t.Error("last_api_access not set after an API call")
		}
	}),
	"users/index_all":                    users("admin@admin.test", "min", "full", "default", "notify"),
	"users/index_by_email":               users("min", "full", "default", "notify"),
	"users/index_by_org":                 users("default", "notify"),
	"users/index_by_email_role_disabled": users("min", "default", "notify"),
	"users/index_search_all":             users("default", "notify"),
	"users/index_nothing":                users(),
	"users/index_flags":                  users("full"),
	"users/index_inactive":               users("full", "default", "notify"),
	"users/edit": edited("user_min", func(t *testing.T, _ outcome, u *misp.User) {
		eq(t, "autoalert", u.Autoalert, true)
		eq(t, "notification_daily", u.NotificationDaily, true)
		eq(t, "notification_monthly", u.NotificationMonthly, false)
		eq(t, "force_logout", u.ForceLogout, true)
		eq(t, "expiration", u.Expiration, "2031-01-01 00:00:00")
		eq(t, "nids_sid", u.NidsSid, 5000001)
		eq(t, "server_id", u.ServerID, "0")
	}),
	"users/edit_email_role": edited("user_min", func(t *testing.T, o outcome, u *misp.User) {
		eq(t, "email", u.Email, o.email("min-renamed@example.org"))
		eq(t, "role", u.RoleID, "6")
	}),
	"users/edit_password": edited("user_min", func(t *testing.T, _ outcome, u *misp.User) { eq(t, "change_pw", u.ChangePw, true) }),
	"users/edit_disable": edited("user_default", func(t *testing.T, _ outcome, u *misp.User) {
		eq(t, "disabled", u.Disabled, true)
		eq(t, "termsaccepted", u.TermsAccepted, true)
		eq(t, "change_pw", u.ChangePw, false)
	}),
	"users/edit_move_org":        edited("user_default", func(t *testing.T, o outcome, u *misp.User) { eq(t, "org", u.OrgID, misp.ID(o.val("org_a"))) }),
	"users/edit_invalid_email":   failsWith(403, "Could not edit User", map[string][]string{"email": {"Please enter a valid email address."}}),
	"users/edit_duplicate_email": failsWith(403, "Could not edit User", map[string][]string{"email": {"An account with this email address already exists."}}),
	"users/edit_short_password":  failsWith(403, "Could not edit User", map[string][]string{"password": {"Password length requirement not met."}}),
	"users/edit_unknown_id":      invalidUser,
	"users/edit_invalid_id":      invalidUser,
	"users/edit_bad_json":        badJSONInput,
	"users/view_after_edits": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "email", v.User.Email, o.email("min-renamed@example.org"))
		eq(t, "role", v.Role.Name, "Read Only")
		eq(t, "expiration", v.User.Expiration, "2031-01-01 00:00:00")
		eq(t, "notification_weekly", v.User.NotificationWeekly, true)
	}),
	"users/edit_unknown_role": edited("user_default", func(t *testing.T, _ outcome, u *misp.User) { eq(t, "role", u.RoleID, missingID) }),
	"users/edit_unknown_org":  edited("user_default", func(t *testing.T, _ outcome, u *misp.User) { eq(t, "org", u.OrgID, missingID) }),
	"users/view_dangling": view(func(t *testing.T, _ outcome, v *misp.UserView) {
		eq(t, "role id", v.Role.ID, "") // MISP sends an all-null Role and Organisation
		eq(t, "role permission", int64(v.Role.Permission), misp.PermissionReadOnly)
		eq(t, "perm_auth", v.Role.PermAuth, false)
		eq(t, "org id", v.Organisation.ID, "")
		eq(t, "org name", v.Organisation.Name, "")
	}),
	"users/index_dangling": succeeds(func(t *testing.T, o outcome) {
		list := as[[]misp.UserIndexEntry](t, o.v)
		if len(list) != 1 || list[0].Role.ID != "" || list[0].Organisation.ID != "" || list[0].User.RoleID != missingID {
			t.Errorf("dangling index entry %+v", list)
		}
	}),
	"users/edit_restore_role_org":     edited("user_default", func(t *testing.T, _ outcome, u *misp.User) { eq(t, "role", u.RoleID, "3") }),
	"users/password_reset":            done,
	"users/password_reset_first_time": done,
	"users/password_reset_unknown_id": invalidUser,
	"users/password_reset_invalid_id": invalidUser,
	"users/totp_delete":               done,
	"users/totp_delete_unknown_id":    invalidUser,
	"users/setup_org_admin":           added("user_orgadmin", "key_orgadmin", "admin-a@example.org", nil),
	"users/setup_other_org_user":      added("user_other", "", "other@example.org", nil),
	"users/org_admin_index":           users("min-renamed", "full", "default", "admin-a"),
	"users/org_admin_index_other_org": users("min-renamed", "full", "default", "admin-a"),
	"users/org_admin_view_own_org": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "orgAdmins", v.User.OrgAdmins[o.val("user_orgadmin")], o.email("admin-a@example.org"))
	}),
	"users/org_admin_view_other_org":  invalidUser,
	"users/org_admin_view_site_admin": invalidUser,
	"users/org_admin_add_other_org":   user(func(t *testing.T, o outcome, u *misp.User) { eq(t, "org", u.OrgID, misp.ID(o.val("org_a"))) }),
	"users/org_admin_add_site_admin":  internal,
	"users/org_admin_edit_own_org": edited("user_full", func(t *testing.T, o outcome, u *misp.User) {
		eq(t, "org", u.OrgID, misp.ID(o.val("org_a")))
		eq(t, "contactalert", u.ContactAlert, false)
	}),
	"users/org_admin_edit_site_admin_role":     internal,
	"users/org_admin_edit_other_org":           invalidUser,
	"users/org_admin_delete_other_org":         invalidUser,
	"users/org_admin_password_reset_other_org": invalidUser,
	"users/org_admin_delete_own_org":           done,
	"users/setup_org_restricted": org(func(t *testing.T, _ outcome, x *misp.Organisation) {
		eq(t, "domains", strings.Join(x.RestrictedToDomain, ","), "golden.example")
	}),
	"users/setup_restricted_org_admin": added("user_radmin", "key_radmin", "radmin@golden.example", nil),
	"users/restricted_add_outside_domain": func(t *testing.T, o outcome) {
		// MISP answers 200 with the endpoint's API description and creates nothing.
		if o.err == nil || !strings.Contains(o.err.Error(), "API description") || !strings.Contains(o.err.Error(), "restricted domains") {
			t.Errorf("error %v, want the explanation of the describe answer", o.err)
		}
	},
	"users/restricted_add_inside_domain":   added("user_inside", "", "inside@golden.example", nil),
	"users/restricted_edit_without_email":  internal,
	"users/restricted_edit_outside_domain": internal,
	"users/restricted_edit_inside_domain":  edited("user_inside", func(t *testing.T, _ outcome, u *misp.User) { eq(t, "autoalert", u.Autoalert, true) }),
	"users/restricted_view": view(func(t *testing.T, _ outcome, v *misp.UserView) {
		eq(t, "org domains", strings.Join(v.Organisation.RestrictedToDomain, ","), "golden.example")
	}),
	"users/cleanup_inside":               done,
	"users/cleanup_restricted_org_admin": done,
	"users/cleanup_org_restricted":       done,
	"users/user_index":                   denied,
	"users/user_view":                    denied,
	"users/user_add":                     denied,
	"users/user_edit":                    denied,
	"users/user_delete":                  denied,
	"users/user_password_reset":          denied,
	"users/user_totp_delete":             denied,
	"users/delete":                       done,
	"users/delete_again":                 invalidUser,
	"users/delete_invalid_id":            invalidUser,
	"users/view_deleted":                 invalidUser,
	"users/cleanup_user_full":            done,
	"users/cleanup_user_default":         done,
	"users/cleanup_org_admin":            done,
	"users/cleanup_other_org_user":       done,
	"users/cleanup_user_notify":          done,
	"users/cleanup_org":                  done,
	"users/cleanup_org_other":            done,

	// --- quirks (set-up and clean-up; the quirks themselves are not client requests) ---
	"quirks/setup_org":            org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_q"))) }),
	"quirks/setup_role":           role(func(t *testing.T, o outcome, r *misp.Role) { eq(t, "id", r.ID, misp.ID(o.val("role_q"))) }),
	"quirks/setup_user":           added("user_q", "key_q", "quirk@example.org", nil),
	"quirks/cleanup_user":         done,
	"quirks/cleanup_role":         invalidRole, // already deleted by the HTTP DELETE
	"quirks/cleanup_org":          done,
	"quirks/cleanup_org_nameless": done,
}
