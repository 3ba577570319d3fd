package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func usersCSVTestRow(t *testing.T, id, email, orgName string, disabled bool, lastLogin types.String) attr.Value {
	t.Helper()
	v, diags := types.ObjectValue(usersCSVRowType().AttrTypes, map[string]attr.Value{
		"id": types.StringValue(id), "email": types.StringValue(email), "org_id": types.StringValue("7"),
		"org_name": types.StringValue(orgName), "role_id": types.StringValue("3"), "role_name": types.StringValue("User"),
		"disabled": types.BoolValue(disabled), "totp_enabled": types.BoolNull(), "last_login": lastLogin,
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	return v
}

func runUsersCSV(t *testing.T, rows ...attr.Value) (string, *function.FuncError) {
	t.Helper()
	list, diags := types.ListValue(usersCSVRowType(), rows)
	if diags.HasError() {
		t.Fatal(diags)
	}
	resp := function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
	NewUsersCSVFunction().Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{list})}, &resp)
	got, ok := resp.Result.Value().(types.String)
	if !ok {
		t.Fatalf("result is %T", resp.Result.Value())
	}
	return got.ValueString(), resp.Error
}

func TestUsersCSVFunction(t *testing.T) {
	got, ferr := runUsersCSV(t,
		usersCSVTestRow(t, "12", "ann@example.org", `Acme, "Intl"`, false, types.StringValue("2026-01-01T00:00:00Z")),
		usersCSVTestRow(t, "3", "bob@example.org", "Line\nbreak", true, types.StringNull()),
	)
	if ferr != nil {
		t.Fatal(ferr)
	}
	want := "id,email,org_id,org_name,role_id,role_name,disabled,totp_enabled,last_login\r\n" +
		"12,ann@example.org,7,\"Acme, \"\"Intl\"\"\",3,User,false,,2026-01-01T00:00:00Z\r\n" +
		// RFC 4180: line breaks inside a quoted field are CRLF too.
		"3,bob@example.org,7,\"Line\r\nbreak\",3,User,true,,\r\n"
	if got != want {
		t.Fatalf("users_csv =\n%q\nwant\n%q", got, want)
	}
}

// TestUsersCSVFunction_formulaCells: fields a spreadsheet would run as a formula get a leading single quote
// (OWASP's CSV injection advice); fields with such characters elsewhere, and a field already starting with a
// quote, are unchanged.
func TestUsersCSVFunction_formulaCells(t *testing.T) {
	got, ferr := runUsersCSV(t,
		usersCSVTestRow(t, "1", "=cmd|' /C calc'!A0@example.org", "=HYPERLINK(\"http://x\",\"y\")", false, types.StringNull()),
		usersCSVTestRow(t, "2", "+1@example.org", "-Ops", false, types.StringNull()),
		usersCSVTestRow(t, "3", "@dev@example.org", "\tTabbed", false, types.StringNull()),
		usersCSVTestRow(t, "4", "ann@example.org", "\rCarriage", false, types.StringNull()),
		usersCSVTestRow(t, "5", "a=b+c-d@example.org", "'Quoted", false, types.StringNull()),
	)
	if ferr != nil {
		t.Fatal(ferr)
	}
	want := "id,email,org_id,org_name,role_id,role_name,disabled,totp_enabled,last_login\r\n" +
		"1,'=cmd|' /C calc'!A0@example.org,7,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3,User,false,,\r\n" +
		"2,'+1@example.org,7,'-Ops,3,User,false,,\r\n" +
		"3,'@dev@example.org,7,'\tTabbed,3,User,false,,\r\n" +
		// encoding/csv with CRLF line ends drops a lone carriage return; the field stays quoted and neutralised.
		"4,ann@example.org,7,\"'Carriage\",3,User,false,,\r\n" +
		"5,a=b+c-d@example.org,7,'Quoted,3,User,false,,\r\n"
	if got != want {
		t.Fatalf("users_csv =\n%q\nwant\n%q", got, want)
	}
}

// TestAccUsersCSV_formulaCells: through Terraform, a MISP organisation named like a formula and an e-mail address
// starting with "-" (both valid in MISP) come out of users_csv neutralised.
func TestAccUsersCSV_formulaCells(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	orgName := "=1+1 " + randomName("csv")
	email := "-" + strings.ToLower(randomName("csv")) + "@example.org"
	org := ui.CreateOrganisation(map[string]any{"name": orgName})
	id, _ := ui.CreateUser(map[string]any{"email": email, "org_id": org, "role_id": "3"})
	want := "id,email,org_id,org_name,role_id,role_name,disabled,totp_enabled,last_login\r\n" +
		fmt.Sprintf("%s,'%s,%s,'%s,3,User,false,false,\r\n", id, email, org, orgName)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(fmt.Sprintf(`
data "misp_users" "org" {
  org_id = %q
}

output "csv" {
  value = provider::misp::users_csv(data.misp_users.org.users)
}
`, org)),
			Check: resource.TestCheckOutput("csv", want),
		}},
	})
}

func TestUsersCSVFunction_empty(t *testing.T) {
	got, ferr := runUsersCSV(t)
	if ferr != nil {
		t.Fatal(ferr)
	}
	if want := "id,email,org_id,org_name,role_id,role_name,disabled,totp_enabled,last_login\r\n"; got != want {
		t.Fatalf("users_csv of no users = %q, want only the header %q", got, want)
	}
}

func TestUsersCSVFunction_definition(t *testing.T) {
	var resp function.DefinitionResponse
	NewUsersCSVFunction().Definition(context.Background(), function.DefinitionRequest{}, &resp)
	if len(resp.Definition.Parameters) != 1 {
		t.Fatalf("%d parameters, want 1", len(resp.Definition.Parameters))
	}
	lp, ok := resp.Definition.Parameters[0].(function.ListParameter)
	if !ok {
		t.Fatalf("parameter is %T, want a list", resp.Definition.Parameters[0])
	}
	obj, ok := lp.ElementType.(types.ObjectType)
	if !ok {
		t.Fatalf("element type %T, want an object", lp.ElementType)
	}
	for _, col := range strings.Split("id,email,org_id,org_name,role_id,role_name,disabled,totp_enabled,last_login", ",") {
		if _, ok := obj.AttrTypes[col]; !ok {
			t.Errorf("element type lacks %s", col)
		}
	}
}
