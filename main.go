// Command terraform-provider-misp serves the MISP Terraform provider over the plugin protocol.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/misp-iac/terraform-provider-misp/internal/provider"
)

// version is set at build time by goreleaser with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/misp-iac/misp",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
