// Package provider implements the MISP Terraform provider.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var (
	_ provider.Provider              = (*mispProvider)(nil)
	_ provider.ProviderWithFunctions = (*mispProvider)(nil)
)

type mispProvider struct {
	version string
}

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &mispProvider{version: version} }
}

func (p *mispProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "misp"
	resp.Version = p.version
}

func (p *mispProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

func (p *mispProvider) Configure(_ context.Context, _ provider.ConfigureRequest, _ *provider.ConfigureResponse) {
}

func (p *mispProvider) Resources(context.Context) []func() resource.Resource {
	return providerResources()
}

func (p *mispProvider) DataSources(context.Context) []func() datasource.DataSource {
	return providerDataSources()
}

func (p *mispProvider) Functions(context.Context) []func() function.Function {
	return providerFunctions()
}
