package provider

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*usersCSVFunction)(nil)

// NewUsersCSVFunction is provider::misp::users_csv.
func NewUsersCSVFunction() function.Function { return &usersCSVFunction{} }

type usersCSVFunction struct{}

// usersCSVColumns are the CSV columns, in order; each is an attribute of a misp_users element.
var usersCSVColumns = []string{"id", "email", "org_id", "org_name", "role_id", "role_name", "disabled", "totp_enabled", "last_login"}

// usersCSVRow is the part of a misp_users element the report uses. Terraform converts each element to
// this object type, dropping the other attributes, so hand-built objects with these keys work too.
type usersCSVRow struct {
	ID          types.String `tfsdk:"id"`
	Email       types.String `tfsdk:"email"`
	OrgID       types.String `tfsdk:"org_id"`
	OrgName     types.String `tfsdk:"org_name"`
	RoleID      types.String `tfsdk:"role_id"`
	RoleName    types.String `tfsdk:"role_name"`
	Disabled    types.Bool   `tfsdk:"disabled"`
	TOTPEnabled types.Bool   `tfsdk:"totp_enabled"`
	LastLogin   types.String `tfsdk:"last_login"`
}

func usersCSVRowType() types.ObjectType {
	return types.ObjectType{AttrTypes: map[string]attr.Type{
		"id": types.StringType, "email": types.StringType, "org_id": types.StringType, "org_name": types.StringType,
		"role_id": types.StringType, "role_name": types.StringType, "disabled": types.BoolType,
		"totp_enabled": types.BoolType, "last_login": types.StringType,
	}}
}

func (f *usersCSVFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "users_csv"
}

func (f *usersCSVFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Renders MISP users as CSV",
		MarkdownDescription: "Renders a list of users, typically `data.misp_users.<name>.users`, as CSV text " +
			"(RFC 4180: comma-separated, fields quoted when needed, CRLF line ends) with the header row " +
			"`id,email,org_id,org_name,role_id,role_name,disabled,totp_enabled,last_login`. Booleans are `true`/`false`; " +
			"a null value (e.g. `last_login` of a user who never logged in) is an empty field. Rows keep the list's order.\n\n" +
			"A field that begins with `=`, `+`, `-`, `@`, a tab or a carriage return (an e-mail address such as " +
			"`-dev@example.org`, an organisation named `=HYPERLINK(...)`) is written with a single quote (`'`) in front, as " +
			"[OWASP recommends against CSV injection](https://owasp.org/www-community/attacks/CSV_Injection): a spreadsheet " +
			"opening the report shows it as text instead of running it as a formula. Read such a field back without its " +
			"first character when it begins with `'` followed by one of those characters.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name: "users",
				MarkdownDescription: "The users: a list of objects with at least the attributes `id`, `email`, `org_id`, " +
					"`org_name`, `role_id`, `role_name`, `disabled`, `totp_enabled` and `last_login`, such as " +
					"`data.misp_users.<name>.users`. Other attributes are ignored.",
				ElementType: usersCSVRowType(),
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *usersCSVFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var list types.List
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &list))
	if resp.Error != nil {
		return
	}
	var rows []usersCSVRow
	if diags := list.ElementsAs(ctx, &rows, false); diags.HasError() {
		resp.Error = function.ConcatFuncErrors(resp.Error, function.FuncErrorFromDiags(ctx, diags))
		return
	}
	text, err := usersCSV(rows)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Cannot render the users as CSV: "+err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, types.StringValue(text)))
}

// usersCSV renders rows as RFC 4180 CSV with a header row.
func usersCSV(rows []usersCSVRow) (string, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(usersCSVColumns); err != nil {
		return "", fmt.Errorf("write CSV header: %w", err)
	}
	str := func(v types.String) string { return neutraliseCSVFormula(v.ValueString()) }
	flag := func(v types.Bool) string {
		if v.IsNull() || v.IsUnknown() {
			return ""
		}
		return strconv.FormatBool(v.ValueBool())
	}
	for _, r := range rows {
		rec := []string{str(r.ID), str(r.Email), str(r.OrgID), str(r.OrgName), str(r.RoleID), str(r.RoleName),
			flag(r.Disabled), flag(r.TOTPEnabled), str(r.LastLogin)}
		if err := w.Write(rec); err != nil {
			return "", fmt.Errorf("write CSV row of user %s: %w", r.ID.ValueString(), err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return "", fmt.Errorf("write CSV: %w", err)
	}
	return buf.String(), nil
}

// csvFormulaStarts are the first characters that make spreadsheets read a CSV field as a formula (OWASP, CSV
// Injection).
const csvFormulaStarts = "=+-@\t\r"

// neutraliseCSVFormula prefixes a single quote to a field a spreadsheet would run as a formula, as OWASP
// recommends; other fields are unchanged (ids are digits, booleans and timestamps never start so).
func neutraliseCSVFormula(s string) string {
	if s != "" && strings.ContainsRune(csvFormulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}
