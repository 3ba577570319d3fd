package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// organisationModel is misp_organisation, and one organisation of the misp_organisation(s) data sources.
type organisationModel struct {
	ID                 types.String    `tfsdk:"id"`
	UUID               uuidStringValue `tfsdk:"uuid"`
	Name               types.String    `tfsdk:"name"`
	Description        types.String    `tfsdk:"description"`
	Type               types.String    `tfsdk:"type"`
	Nationality        types.String    `tfsdk:"nationality"`
	Sector             types.String    `tfsdk:"sector"`
	Contacts           types.String    `tfsdk:"contacts"`
	Local              types.Bool      `tfsdk:"local"`
	RestrictedToDomain types.Set       `tfsdk:"restricted_to_domain"`
	Landingpage        types.String    `tfsdk:"landingpage"`
	CreatedBy          types.String    `tfsdk:"created_by"`
	DateCreated        types.String    `tfsdk:"date_created"`
	DateModified       types.String    `tfsdk:"date_modified"`
	UserCount          types.Int64     `tfsdk:"user_count"`
}

// organisationFromAPI maps MISP's organisation to the model. MISP's null and [] domains are both an empty set.
func organisationFromAPI(ctx context.Context, o *misp.Organisation) (organisationModel, diag.Diagnostics) {
	domains := []string(o.RestrictedToDomain)
	if domains == nil {
		domains = []string{}
	}
	set, diags := types.SetValueFrom(ctx, types.StringType, domains)
	return organisationModel{
		ID:                 types.StringValue(o.ID.String()),
		UUID:               uuidValue(o.UUID),
		Name:               types.StringValue(o.Name),
		Description:        types.StringValue(o.Description),
		Type:               types.StringValue(o.Type),
		Nationality:        types.StringValue(o.Nationality),
		Sector:             types.StringValue(o.Sector),
		Contacts:           types.StringValue(o.Contacts),
		Local:              types.BoolValue(bool(o.Local)),
		RestrictedToDomain: set,
		Landingpage:        types.StringValue(o.Landingpage),
		CreatedBy:          types.StringValue(o.CreatedBy.String()),
		DateCreated:        mispDatetimeToRFC3339(o.DateCreated),
		DateModified:       mispDatetimeToRFC3339(o.DateModified),
		UserCount:          types.Int64Value(int64(o.UserCount)),
	}, diags
}

// organisationCreateInput is what Create sends: every configured attribute (null ones are left out, so MISP
// applies its defaults).
func organisationCreateInput(ctx context.Context, plan *organisationModel) (misp.OrganisationInput, diag.Diagnostics) {
	in := misp.OrganisationInput{
		Name:        stringPtr(plan.Name),
		Description: stringPtr(plan.Description),
		Type:        stringPtr(plan.Type),
		Nationality: stringPtr(plan.Nationality),
		Sector:      stringPtr(plan.Sector),
		Contacts:    stringPtr(plan.Contacts),
		UUID:        stringPtr(plan.UUID.StringValue),
		Local:       boolPtr(plan.Local),
		Landingpage: stringPtr(plan.Landingpage),
	}
	var diags diag.Diagnostics
	if known(plan.RestrictedToDomain) {
		in.RestrictedToDomain, diags = domainsInput(ctx, plan.RestrictedToDomain)
	}
	return in, diags
}

// organisationUpdateInput is what Update sends: the attributes whose planned value differs from the state. A
// planned uuid is sent when it is another uuid than the state's (case aside); landingpage never is (ModifyPlan
// refuses to change it).
func organisationUpdateInput(ctx context.Context, plan, state *organisationModel) (misp.OrganisationInput, diag.Diagnostics) {
	var in misp.OrganisationInput
	for _, f := range []struct {
		plan, state types.String
		dst         **string
	}{
		{plan.Name, state.Name, &in.Name},
		{plan.Description, state.Description, &in.Description},
		{plan.Type, state.Type, &in.Type},
		{plan.Nationality, state.Nationality, &in.Nationality},
		{plan.Sector, state.Sector, &in.Sector},
		{plan.Contacts, state.Contacts, &in.Contacts},
	} {
		if changed(f.plan, f.state) {
			*f.dst = stringPtr(f.plan)
		}
	}
	if changed(plan.Local, state.Local) {
		in.Local = boolPtr(plan.Local)
	}
	if known(plan.UUID) && !sameUUID(plan.UUID, state.UUID) {
		in.UUID = stringPtr(plan.UUID.StringValue)
	}
	var diags diag.Diagnostics
	if changed(plan.RestrictedToDomain, state.RestrictedToDomain) {
		in.RestrictedToDomain, diags = domainsInput(ctx, plan.RestrictedToDomain)
	}
	return in, diags
}

// domainsInput is restricted_to_domain as MISP takes it: the list of domains, empty for none.
func domainsInput(ctx context.Context, set types.Set) (*[]string, diag.Diagnostics) {
	domains := []string{}
	diags := set.ElementsAs(ctx, &domains, false)
	if diags.HasError() {
		return nil, diags
	}
	return &domains, diags
}
