#!/usr/bin/env bash
# misp-module-test.sh [MODULE_DIR]: `terraform test` of a Terraform module against mispfake and a locally built
# terraform-provider-misp, offline. Copy it into your module's repository; it is what the guide "Testing your
# modules offline with mispfake" describes step by step.
#
#   PROVIDER_DIR  directory holding the terraform-provider-misp binary (default: $(go env GOPATH)/bin, where
#                 `make install` in a provider checkout puts it)
#   MISPFAKE      the mispfake binary (default: mispfake on PATH, else $PROVIDER_DIR/mispfake)
#   MODULE_DIR    the module to test (default: the current directory); its tests/ hold the .tftest.hcl files
#
# It writes a Terraform CLI configuration with dev_overrides for misp-iac/misp (no `terraform init` needed:
# init would look the provider up in the registry), starts mispfake on a free loopback port, exports MISP_URL
# and MISP_API_KEY for terraform only, runs `terraform get` (installs helper modules that tests/ may use; the
# provider needs nothing) and `terraform test`, and always stops the emulator. Exits with terraform test's code.
set -euo pipefail

module_dir=${1:-.}
provider_dir=${PROVIDER_DIR:-$(go env GOPATH 2>/dev/null)/bin}
[[ -x $provider_dir/terraform-provider-misp ]] ||
	{ echo "no terraform-provider-misp in $provider_dir: build it (go build, make install) or set PROVIDER_DIR" >&2; exit 1; }
mispfake=${MISPFAKE:-$(command -v mispfake || echo "$provider_dir/mispfake")}
[[ -x $mispfake ]] || { echo "mispfake not found: set MISPFAKE to the binary" >&2; exit 1; }

work=$(mktemp -d)
pid=""
cleanup() {
	if [[ -n $pid ]]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# 1. A CLI configuration that makes terraform use the local build for misp-iac/misp.
cat >"$work/terraformrc" <<CONF
provider_installation {
  dev_overrides {
    "misp-iac/misp" = "$(cd "$provider_dir" && pwd)"
  }
  direct {}
}
CONF
export TF_CLI_CONFIG_FILE="$work/terraformrc"

# 2. mispfake on a free port (127.0.0.1:0); it prints MISP_URL=... and MISP_API_KEY=... once it accepts connections.
"$mispfake" -listen 127.0.0.1:0 -quiet >"$work/mispfake.env" 2>"$work/mispfake.log" </dev/null &
pid=$!
for _ in $(seq 100); do
	grep -q '^MISP_API_KEY=' "$work/mispfake.env" && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/mispfake.log" >&2; echo "mispfake exited" >&2; exit 1; }
	sleep 0.1
done
grep -q '^MISP_API_KEY=' "$work/mispfake.env" || { echo "mispfake did not start within 10 s" >&2; exit 1; }
set -a
# shellcheck disable=SC1091 # written by mispfake just above
. "$work/mispfake.env"
set +a
echo "mispfake: $MISP_URL"

# 3. terraform test, without terraform init.
cd "$module_dir"
terraform get -no-color >/dev/null
terraform test
