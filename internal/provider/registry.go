package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The provider's resources, data sources and functions. Each constructor lives in
// <noun>_resource.go / <noun>_data_source.go beside this file.

func providerResources() []func() resource.Resource {
	return []func() resource.Resource{
		NewOrganisationResource,
		NewRoleResource,
		NewDefaultRoleResource,
		NewUserResource,
		NewAuthKeyResource,
		NewSharingGroupResource,
		NewSharingGroupOrganisationResource,
		NewUserSettingResource,
	}
}

func providerDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewOrganisationDataSource,
		NewOrganisationsDataSource,
		NewRoleDataSource,
		NewRolesDataSource,
		NewUserDataSource,
		NewUsersDataSource,
		NewCurrentUserDataSource,
		NewSharingGroupDataSource,
		NewSharingGroupsDataSource,
	}
}

func providerFunctions() []func() function.Function {
	return []func() function.Function{
		NewUsersCSVFunction,
	}
}
