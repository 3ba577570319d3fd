package misp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Data-access levels of a role (Role.Permission, RoleInput.Permission).
const (
	PermissionReadOnly  int64 = 0
	PermissionManageOwn int64 = 1
	PermissionManageOrg int64 = 2
	PermissionPublish   int64 = 3
)

// Role is a MISP role (docs/development/misp-api.md §3.3). PermAdd, PermModify,
// PermModifyOrg and PermPublish follow from Permission. Default (the
// instance's default role for new users) is filled only by ListRoles.
type Role struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
	// Created and Modified are "YYYY-MM-DD HH:MM:SS".
	Created                  string `json:"created"`
	Modified                 string `json:"modified"`
	PermAdd                  Bool   `json:"perm_add"`
	PermModify               Bool   `json:"perm_modify"`
	PermModifyOrg            Bool   `json:"perm_modify_org"`
	PermPublish              Bool   `json:"perm_publish"`
	PermDelegate             Bool   `json:"perm_delegate"`
	PermSync                 Bool   `json:"perm_sync"`
	PermAdmin                Bool   `json:"perm_admin"`
	PermAudit                Bool   `json:"perm_audit"`
	PermAuth                 Bool   `json:"perm_auth"`
	PermSiteAdmin            Bool   `json:"perm_site_admin"`
	PermRegexpAccess         Bool   `json:"perm_regexp_access"`
	PermTagger               Bool   `json:"perm_tagger"`
	PermTemplate             Bool   `json:"perm_template"`
	PermSharingGroup         Bool   `json:"perm_sharing_group"`
	PermTagEditor            Bool   `json:"perm_tag_editor"`
	PermSighting             Bool   `json:"perm_sighting"`
	PermObjectTemplate       Bool   `json:"perm_object_template"`
	DefaultRole              Bool   `json:"default_role"`
	MemoryLimit              String `json:"memory_limit"`
	MaxExecutionTime         String `json:"max_execution_time"`
	RestrictedToSiteAdmin    Bool   `json:"restricted_to_site_admin"`
	PermPublishZMQ           Bool   `json:"perm_publish_zmq"`
	PermPublishKafka         Bool   `json:"perm_publish_kafka"`
	PermDecaying             Bool   `json:"perm_decaying"`
	EnforceRateLimit         Bool   `json:"enforce_rate_limit"`
	RateLimitCount           Int64  `json:"rate_limit_count"`
	PermGalaxyEditor         Bool   `json:"perm_galaxy_editor"`
	PermWarninglist          Bool   `json:"perm_warninglist"`
	PermViewFeedCorrelations Bool   `json:"perm_view_feed_correlations"`
	PermAnalystData          Bool   `json:"perm_analyst_data"`
	PermSkipOTP              Bool   `json:"perm_skip_otp"`
	// Permission is the data-access level 0-3 (PermissionReadOnly...PermissionPublish).
	Permission            Int64  `json:"permission"`
	PermissionDescription string `json:"permission_description"`
	Default               Bool   `json:"default"`
}

// RoleInput is the body of role add/edit. Only non-nil fields are sent. On
// add, every flag not sent is false (perm_auth included: such a role cannot
// use the API). Permission decides perm_add, perm_modify, perm_modify_org and
// perm_publish, so those are not offered here.
type RoleInput struct {
	Name *string `json:"name,omitempty"`
	// Permission is required by EditRole: MISP resets the data-access level
	// to read-only on every edit that omits it.
	Permission               *int64  `json:"permission,omitempty"`
	PermDelegate             *bool   `json:"perm_delegate,omitempty"`
	PermSync                 *bool   `json:"perm_sync,omitempty"`
	PermAdmin                *bool   `json:"perm_admin,omitempty"`
	PermAudit                *bool   `json:"perm_audit,omitempty"`
	PermAuth                 *bool   `json:"perm_auth,omitempty"`
	PermSiteAdmin            *bool   `json:"perm_site_admin,omitempty"`
	PermRegexpAccess         *bool   `json:"perm_regexp_access,omitempty"`
	PermTagger               *bool   `json:"perm_tagger,omitempty"`
	PermTemplate             *bool   `json:"perm_template,omitempty"`
	PermSharingGroup         *bool   `json:"perm_sharing_group,omitempty"`
	PermTagEditor            *bool   `json:"perm_tag_editor,omitempty"`
	PermSighting             *bool   `json:"perm_sighting,omitempty"`
	PermObjectTemplate       *bool   `json:"perm_object_template,omitempty"`
	PermPublishZMQ           *bool   `json:"perm_publish_zmq,omitempty"`
	PermPublishKafka         *bool   `json:"perm_publish_kafka,omitempty"`
	PermDecaying             *bool   `json:"perm_decaying,omitempty"`
	PermGalaxyEditor         *bool   `json:"perm_galaxy_editor,omitempty"`
	PermWarninglist          *bool   `json:"perm_warninglist,omitempty"`
	PermViewFeedCorrelations *bool   `json:"perm_view_feed_correlations,omitempty"`
	PermAnalystData          *bool   `json:"perm_analyst_data,omitempty"`
	PermSkipOTP              *bool   `json:"perm_skip_otp,omitempty"`
	DefaultRole              *bool   `json:"default_role,omitempty"`
	RestrictedToSiteAdmin    *bool   `json:"restricted_to_site_admin,omitempty"`
	EnforceRateLimit         *bool   `json:"enforce_rate_limit,omitempty"`
	RateLimitCount           *int64  `json:"rate_limit_count,omitempty"`
	MemoryLimit              *string `json:"memory_limit,omitempty"`
	MaxExecutionTime         *int64  `json:"max_execution_time,omitempty"`
}

// errEditRoleWithoutPermission guards against MISP's silent reset of the
// data-access level.
var errEditRoleWithoutPermission = errors.New("RoleInput.Permission must be set: MISP resets the data-access level to read-only on every role edit that omits it")

// ListRoles lists roles (GET /roles/index[/name:X]); Default marks the
// instance's default role. name matches exactly, or with SQL LIKE when it
// contains "%".
func (c *Client) ListRoles(ctx context.Context, name string) ([]Role, error) {
	p := "/roles/index"
	if name != "" {
		p += "/name:" + escapeSegment(name)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	out, err := decodeList[Role](data, "Role")
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	return out, nil
}

// GetRole reads one role by numeric id (GET /roles/view/{id}). Default is
// not filled (MISP shows it only in the index).
func (c *Client) GetRole(ctx context.Context, id string) (*Role, error) {
	p, err := idPath("/roles/view", id)
	if err != nil {
		return nil, fmt.Errorf("read role: %w", err)
	}
	r, err := doRecord[Role](ctx, c, request{method: http.MethodGet, path: p}, "Role")
	if err != nil {
		return nil, fmt.Errorf("read role %s: %w", id, err)
	}
	return r, nil
}

// AddRole creates a role (POST /admin/roles/add).
func (c *Client) AddRole(ctx context.Context, in RoleInput) (*Role, error) {
	r, err := c.writeRole(ctx, "/admin/roles/add", in)
	if err != nil {
		return nil, fmt.Errorf("create role: %w", err)
	}
	return r, nil
}

// EditRole changes the fields set in in (POST /admin/roles/edit/{id}).
// in.Permission is required.
func (c *Client) EditRole(ctx context.Context, id string, in RoleInput) (*Role, error) {
	p, err := idPath("/admin/roles/edit", id)
	if err != nil {
		return nil, fmt.Errorf("update role: %w", err)
	}
	if in.Permission == nil {
		return nil, fmt.Errorf("update role %s: %w", id, errEditRoleWithoutPermission)
	}
	r, err := c.writeRole(ctx, p, in)
	if err != nil {
		return nil, fmt.Errorf("update role %s: %w", id, err)
	}
	return r, nil
}

func (c *Client) writeRole(ctx context.Context, path string, in RoleInput) (*Role, error) {
	return doRecord[Role](ctx, c, request{method: http.MethodPost, path: path, body: in}, "Role")
}

// DeleteRole deletes a role (always POST /admin/roles/delete/{id}: with HTTP
// DELETE MISP would delete a role still assigned to users). MISP refuses
// (403) while users have the role.
func (c *Client) DeleteRole(ctx context.Context, id string) error {
	return c.action(ctx, "delete role", "/admin/roles/delete", id, "")
}

// SetDefaultRole makes a role the default for new users
// (POST /admin/roles/set_default/{id}). MISP cannot unset the default.
func (c *Client) SetDefaultRole(ctx context.Context, id string) error {
	return c.action(ctx, "set default role", "/admin/roles/set_default", id, "")
}
