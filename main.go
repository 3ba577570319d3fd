// Command terraform-provider-misp serves the MISP Terraform provider over the plugin protocol.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/misp-iac/terraform-provider-misp/internal/protocol"
	"github.com/misp-iac/terraform-provider-misp/internal/provider"
)

// version is set at build time by goreleaser with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the provider's version and exit")
	flag.Parse()
	if showVersion {
		fmt.Println(versionLine())
		return
	}
	quietSDKLogsUnlessRequested()

	if err := protocol.Serve("registry.terraform.io/misp-iac/misp", debug, provider.New(version)); err != nil {
		log.Fatal(err.Error())
	}
}

// versionLine is what -version prints; the same version goes to MISP as the User-Agent
// terraform-provider-misp/<version>.
func versionLine() string { return "terraform-provider-misp " + version }

// quietSDKLogsUnlessRequested switches the plugin SDK's own loggers off when nobody asked for provider logs.
// Without TF_LOG or TF_LOG_PROVIDER, Terraform discards everything a provider logs, yet the SDK loggers still
// default to TRACE and serialise every internal line to JSON for Terraform to parse and drop: measured with
// `make bench`, that is about 40 % of a large plan's CPU time. Variables the user set are left alone.
func quietSDKLogsUnlessRequested() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off")
		}
	}
}
