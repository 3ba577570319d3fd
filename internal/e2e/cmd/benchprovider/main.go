// Command benchprovider is make bench's stand-in for terraform-provider-misp: a terraform-plugin-framework provider
// named misp whose misp_user has the real misp_user's schema shape, served exactly as the real provider is
// (internal/protocol, so the context release and the labelled CPU profile apply to it too). BENCH_PROVIDER_MODE
// picks what its resource does:
//
//   - floor (the default): no API at all. Read is State.Get into a model + State.Set; Create and Update are
//     Plan.Get + Set with the unknown values filled in; Delete does nothing. What the framework alone costs for a
//     resource of this shape: the framework floor of every bench table.
//   - reader: a provider that reads every user on its own, as the other MISP provider does. Read is one
//     GET /admin/users/view/{id} per resource (then email, org_id and role_id from the answer, + Set); Create is
//     one POST /admin/users/add, Delete one POST /admin/users/delete/{id}. MISP_URL and MISP_API_KEY as for the
//     real provider.
//
// The schema is derived at start-up from internal/provider's misp_user schema, so the two cannot drift: every
// attribute keeps its kind, its Required/Optional/Computed/Sensitive/WriteOnly flags, its defaults and its plan
// modifiers (all of them the framework's own); only the custom types and validators, which are our code, are left
// out. The model is a struct type built with reflect.StructOf, so Get and Set go through the framework's struct
// reflection as a hand-written model would.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"reflect"
	"sort"
	"strconv"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
	"github.com/misp-iac/terraform-provider-misp/internal/protocol"
	"github.com/misp-iac/terraform-provider-misp/internal/provider"
)

// ModeEnv selects the mode: "floor" (default) or "reader".
const ModeEnv = "BENCH_PROVIDER_MODE"

func main() {
	mode := os.Getenv(ModeEnv)
	if mode == "" {
		mode = "floor"
	}
	if mode != "floor" && mode != "reader" {
		log.Fatalf("%s=%q: want floor or reader", ModeEnv, mode)
	}
	quietSDKLogs()
	if err := protocol.Serve("registry.terraform.io/misp-iac/misp", false, func() fwprovider.Provider { return &benchProvider{mode: mode} }); err != nil {
		log.Fatal(err.Error())
	}
}

// quietSDKLogs does what the real provider's main does (main.go, quietSDKLogsUnlessRequested), so that the
// comparison is like for like.
func quietSDKLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off")
		}
	}
}

type benchProvider struct{ mode string }

func (p *benchProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "misp"
}

func (p *benchProvider) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {
}

func (p *benchProvider) Configure(_ context.Context, _ fwprovider.ConfigureRequest, resp *fwprovider.ConfigureResponse) {
	if p.mode != "reader" {
		return
	}
	c, err := misp.New(misp.Config{URL: os.Getenv("MISP_URL"), APIKey: os.Getenv("MISP_API_KEY"), UserAgent: "terraform-provider-misp/bench-reader"})
	if err != nil {
		resp.Diagnostics.AddError("bench reader: MISP client", err.Error())
		return
	}
	resp.ResourceData = c
}

func (p *benchProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &benchUser{mode: p.mode} }}
}

func (p *benchProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// shape is misp_user's schema without our custom types and validators, and the model struct type for it.
type shape struct {
	typeName string
	schema   schema.Schema
	model    reflect.Type
	field    map[string]int // attribute name -> field index in model
}

// userShape derives the shape from internal/provider's misp_user.
func userShape(ctx context.Context) (*shape, error) {
	user := provider.NewUserResource()
	var md resource.MetadataResponse
	user.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "misp"}, &md)
	var sr resource.SchemaResponse
	user.Schema(ctx, resource.SchemaRequest{}, &sr)
	if sr.Diagnostics.HasError() {
		return nil, fmt.Errorf("misp_user schema: %v", sr.Diagnostics)
	}
	s := sr.Schema
	if len(s.Blocks) > 0 {
		return nil, errors.New("misp_user has blocks: teach the bench provider about them")
	}
	names := make([]string, 0, len(s.Attributes))
	for name := range s.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	attrs := make(map[string]schema.Attribute, len(names))
	fields := make([]reflect.StructField, 0, len(names))
	index := make(map[string]int, len(names))
	for i, name := range names {
		var typ reflect.Type
		switch a := s.Attributes[name].(type) {
		case schema.StringAttribute:
			a.CustomType, a.Validators = nil, nil
			attrs[name], typ = a, reflect.TypeFor[types.String]()
		case schema.BoolAttribute:
			a.CustomType, a.Validators = nil, nil
			attrs[name], typ = a, reflect.TypeFor[types.Bool]()
		case schema.Int64Attribute:
			a.CustomType, a.Validators = nil, nil
			attrs[name], typ = a, reflect.TypeFor[types.Int64]()
		default:
			return nil, fmt.Errorf("misp_user attribute %s is a %T: teach the bench provider about it", name, a)
		}
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(i), Type: typ, Tag: reflect.StructTag(`tfsdk:"` + name + `"`)})
		index[name] = i
	}
	s.Attributes = attrs
	return &shape{typeName: md.TypeName, schema: s, model: reflect.StructOf(fields), field: index}, nil
}

// model is one value of the model struct, addressed by attribute name.
type model struct {
	sh *shape
	v  reflect.Value // a pointer to the struct
}

func (sh *shape) newModel() model { return model{sh: sh, v: reflect.New(sh.model)} }

func (m model) ptr() any { return m.v.Interface() }

func (m model) get(name string) attr.Value {
	v, _ := m.v.Elem().Field(m.sh.field[name]).Interface().(attr.Value)
	return v
}

func (m model) set(name string, v attr.Value) {
	m.v.Elem().Field(m.sh.field[name]).Set(reflect.ValueOf(v))
}

func (m model) str(name string) string {
	s, _ := m.get(name).(types.String)
	return s.ValueString()
}

// fillUnknown gives every unknown value a known one ("" / 0 / false), as an apply must.
func (m model) fillUnknown() {
	for name := range m.sh.field {
		switch v := m.get(name).(type) {
		case types.String:
			if v.IsUnknown() {
				m.set(name, types.StringValue(""))
			}
		case types.Bool:
			if v.IsUnknown() {
				m.set(name, types.BoolValue(false))
			}
		case types.Int64:
			if v.IsUnknown() {
				m.set(name, types.Int64Value(0))
			}
		}
	}
}

type benchUser struct {
	mode   string
	sh     *shape
	client *misp.Client
}

var lastID atomic.Int64

func (r *benchUser) Metadata(ctx context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	if err := r.load(ctx); err != nil {
		log.Fatal(err)
	}
	resp.TypeName = r.sh.typeName
}

func (r *benchUser) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	if err := r.load(ctx); err != nil {
		resp.Diagnostics.AddError("bench provider", err.Error())
		return
	}
	resp.Schema = r.sh.schema
}

var shared atomic.Pointer[shape]

func (r *benchUser) load(ctx context.Context) error {
	if r.sh != nil {
		return nil
	}
	if sh := shared.Load(); sh != nil {
		r.sh = sh
		return nil
	}
	sh, err := userShape(ctx)
	if err != nil {
		return err
	}
	shared.Store(sh)
	r.sh = sh
	return nil
}

func (r *benchUser) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if err := r.load(ctx); err != nil {
		resp.Diagnostics.AddError("bench provider", err.Error())
	}
	r.client, _ = req.ProviderData.(*misp.Client)
}

func (r *benchUser) reader(diags *diag.Diagnostics) bool {
	if r.mode != "reader" {
		return false
	}
	if r.client == nil {
		diags.AddError("bench reader", "the provider is not configured")
	}
	return r.client != nil
}

func (r *benchUser) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	m := r.sh.newModel()
	if resp.Diagnostics.Append(req.Plan.Get(ctx, m.ptr())...); resp.Diagnostics.HasError() {
		return
	}
	m.fillUnknown()
	if r.reader(&resp.Diagnostics) {
		email, org, role := m.str("email"), m.str("org_id"), m.str("role_id")
		u, err := r.client.AddUser(ctx, misp.UserInput{Email: &email, OrgID: nonEmpty(org), RoleID: nonEmpty(role)})
		if err != nil {
			resp.Diagnostics.AddError("bench reader: create user", err.Error())
			return
		}
		m.set("id", types.StringValue(u.ID.String()))
		m.set("org_id", types.StringValue(u.OrgID.String()))
		m.set("role_id", types.StringValue(u.RoleID.String()))
	} else if !resp.Diagnostics.HasError() {
		m.set("id", types.StringValue(strconv.FormatInt(lastID.Add(1), 10)))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m.ptr())...)
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (r *benchUser) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	m := r.sh.newModel()
	if resp.Diagnostics.Append(req.State.Get(ctx, m.ptr())...); resp.Diagnostics.HasError() {
		return
	}
	if r.reader(&resp.Diagnostics) {
		v, err := r.client.GetUser(ctx, m.str("id"))
		if errors.Is(err, misp.ErrNotFound) {
			resp.State.RemoveResource(ctx)
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("bench reader: read user", err.Error())
			return
		}
		m.set("email", types.StringValue(v.User.Email))
		m.set("org_id", types.StringValue(v.User.OrgID.String()))
		m.set("role_id", types.StringValue(v.User.RoleID.String()))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m.ptr())...)
}

func (r *benchUser) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	m := r.sh.newModel()
	if resp.Diagnostics.Append(req.Plan.Get(ctx, m.ptr())...); resp.Diagnostics.HasError() {
		return
	}
	m.fillUnknown()
	if r.reader(&resp.Diagnostics) {
		email, org, role := m.str("email"), m.str("org_id"), m.str("role_id")
		if _, err := r.client.EditUser(ctx, m.str("id"), misp.UserInput{Email: &email, OrgID: nonEmpty(org), RoleID: nonEmpty(role)}); err != nil {
			resp.Diagnostics.AddError("bench reader: update user", err.Error())
			return
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m.ptr())...)
}

func (r *benchUser) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.reader(&resp.Diagnostics) {
		return
	}
	var id types.String
	if resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...); resp.Diagnostics.HasError() {
		return
	}
	if err := r.client.DeleteUser(ctx, id.ValueString()); err != nil && !errors.Is(err, misp.ErrNotFound) {
		resp.Diagnostics.AddError("bench reader: delete user", err.Error())
	}
}
