# shellcheck shell=bash
# Shared by scripts/demo.sh and scripts/test-modules.sh (sourced, not run): a throw-away environment with the
# provider built from this checkout, the mispfake emulator on a free loopback port, and a Terraform CLI
# configuration whose dev_overrides point at that build. Nothing is written outside $WORK_DIR, and nothing of
# it reaches the caller's environment: only the tf function below passes it on, to its own terraform commands.
#
# Usage: set -euo pipefail; source this file; mispfake_env_init "<label>"; mispfake_build; mispfake_start;
# then tf -chdir=DIR <args>. Cleanup (emulator stopped, $WORK_DIR removed) runs on EXIT, INT and TERM.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK_DIR=""
MISPFAKE_PID=""
MISP_URL_VALUE=""
MISP_KEY_VALUE=""
ENV_LABEL="mispfake"

# Terraform only installs a provider through init from an installation source, even when dev_overrides will
# replace it at run time; this version names the copy in the local filesystem mirror that lets init succeed
# offline. It is never published; it must satisfy the examples' version = "~> 0.1" constraint.
readonly LOCAL_PROVIDER_VERSION="0.1.0"

# step prints a progress line.
step() { printf '\n==> %s\n' "$*"; }

# note prints an indented detail line.
note() { printf '    %s\n' "$*"; }

# fail prints an error and exits non-zero (the EXIT trap cleans up).
fail() {
	printf '\n%s: FAILED: %s\n' "$ENV_LABEL" "$*" >&2
	if [[ -n $WORK_DIR && -s $WORK_DIR/mispfake.log ]]; then
		printf '%s\n' "--- last lines of the emulator log ---" >&2
		tail -n 15 "$WORK_DIR/mispfake.log" >&2 || true
	fi
	exit 1
}

# mispfake_stop stops the emulator started by mispfake_start, if it still runs, and waits for it.
mispfake_stop() {
	if [[ -n $MISPFAKE_PID ]]; then
		if kill -0 "$MISPFAKE_PID" 2>/dev/null; then
			kill -TERM "$MISPFAKE_PID" 2>/dev/null || true
			local i
			for ((i = 0; i < 50; i++)); do
				kill -0 "$MISPFAKE_PID" 2>/dev/null || break
				sleep 0.1
			done
			kill -KILL "$MISPFAKE_PID" 2>/dev/null || true
		fi
		wait "$MISPFAKE_PID" 2>/dev/null || true
		MISPFAKE_PID=""
	fi
}

_mispfake_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	mispfake_stop
	if [[ -n $WORK_DIR && -d $WORK_DIR ]]; then
		rm -rf "$WORK_DIR"
	fi
	exit "$rc"
}

# mispfake_env_init creates the temporary directory and installs the cleanup traps.
mispfake_env_init() {
	ENV_LABEL=$1
	command -v go >/dev/null || fail "go not found on PATH"
	command -v terraform >/dev/null || fail "terraform not found on PATH (Terraform >= 1.11 is needed)"
	local version
	# sed, not head: head would close the pipe early and pipefail would report terraform's SIGPIPE.
	version=$(CHECKPOINT_DISABLE=1 terraform version 2>/dev/null | sed -n 1p)
	[[ $version =~ v1\.([0-9]+)\. && ${BASH_REMATCH[1]} -ge 11 ]] ||
		fail "Terraform >= 1.11 is needed (write-only arguments); found: ${version:-none}"
	trap _mispfake_cleanup EXIT
	trap 'printf "\n%s: interrupted\n" "$ENV_LABEL" >&2; exit 130' INT
	trap 'printf "\n%s: terminated\n" "$ENV_LABEL" >&2; exit 143' TERM
	WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/${ENV_LABEL}.XXXXXX")
}

# mispfake_build builds the provider and the emulator into $WORK_DIR/bin and writes the CLI configuration:
# dev_overrides for misp-iac/misp, plus a filesystem mirror holding the same binary so that terraform init
# works with no registry access.
mispfake_build() {
	local goos goarch mirror
	goos=$(cd "$REPO_ROOT" && go env GOOS)
	goarch=$(cd "$REPO_ROOT" && go env GOARCH)
	mkdir -p "$WORK_DIR/bin"
	# progress.sh prints a line every 15 s while go builds (minutes on an empty build cache).
	(cd "$REPO_ROOT" && PROGRESS_PREFIX="    " bash scripts/progress.sh "go build: the provider and mispfake" \
		go build -o "$WORK_DIR/bin/" . ./internal/fakemisp/cmd/mispfake) || fail "building the provider and mispfake"
	mirror="$WORK_DIR/mirror/registry.terraform.io/misp-iac/misp/$LOCAL_PROVIDER_VERSION/${goos}_${goarch}"
	mkdir -p "$mirror"
	cp "$WORK_DIR/bin/terraform-provider-misp" "$mirror/terraform-provider-misp_v$LOCAL_PROVIDER_VERSION"
	cat >"$WORK_DIR/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "misp-iac/misp" = "$WORK_DIR/bin"
  }
  filesystem_mirror {
    path    = "$WORK_DIR/mirror"
    include = ["registry.terraform.io/misp-iac/misp"]
  }
}
EOF
}

# mispfake_start starts the emulator on a free loopback port with its state in $WORK_DIR and waits until it
# prints its URL. The site-admin key it generates stays in $WORK_DIR (mode 0700) and in this shell.
mispfake_start() {
	"$WORK_DIR/bin/mispfake" -listen 127.0.0.1:0 -state "$WORK_DIR/mispfake-state.json" \
		>"$WORK_DIR/mispfake.out" 2>"$WORK_DIR/mispfake.log" </dev/null &
	MISPFAKE_PID=$!
	local i
	for ((i = 0; i < 300; i++)); do
		if grep -q '^MISP_URL=' "$WORK_DIR/mispfake.out" && grep -q '^MISP_API_KEY=' "$WORK_DIR/mispfake.out"; then
			break
		fi
		kill -0 "$MISPFAKE_PID" 2>/dev/null || fail "mispfake exited during start-up"
		sleep 0.1
	done
	MISP_URL_VALUE=$(sed -n '/^MISP_URL=/{s///p;q;}' "$WORK_DIR/mispfake.out")
	MISP_KEY_VALUE=$(sed -n '/^MISP_API_KEY=/{s///p;q;}' "$WORK_DIR/mispfake.out")
	[[ -n $MISP_URL_VALUE && -n $MISP_KEY_VALUE ]] || fail "mispfake did not print MISP_URL and MISP_API_KEY within 30 s"
}

# tf runs terraform with the throw-away CLI configuration and the emulator's URL and key in its environment
# only (exported in a subshell, so they appear in no command line). Leading NAME=value words are exported
# too (e.g. TF_VAR_x=...).
tf() {
	(
		while [[ $# -gt 0 && $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
			export "${1?}"
			shift
		done
		unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_WORKSPACE TF_CLI_ARGS MISP_CONFIG_FILE MISP_PROFILE MISP_INSECURE
		export TF_CLI_CONFIG_FILE="$WORK_DIR/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
		export MISP_URL="$MISP_URL_VALUE" MISP_API_KEY="$MISP_KEY_VALUE"
		exec terraform "$@"
	)
}

# control calls the emulator's control API (as a person in the MISP UI would act): control METHOD PATH [JSON].
# The key goes in a header read from a file, so it never shows in the process list.
control() {
	local method=$1 path=$2 body=${3:-}
	command -v curl >/dev/null || fail "curl not found on PATH (used to call the emulator's control API)"
	printf 'Authorization: %s\n' "$MISP_KEY_VALUE" >"$WORK_DIR/control-headers"
	local -a args=(--silent --show-error --fail-with-body -X "$method" -H @"$WORK_DIR/control-headers"
		-H 'Accept: application/json')
	if [[ -n $body ]]; then
		args+=(-H 'Content-Type: application/json' --data "$body")
	fi
	curl "${args[@]}" "$MISP_URL_VALUE$path"
}

# control_status prints only the HTTP status of a control API GET: control_status PATH.
control_status() {
	command -v curl >/dev/null || fail "curl not found on PATH (used to call the emulator's control API)"
	printf 'Authorization: %s\n' "$MISP_KEY_VALUE" >"$WORK_DIR/control-headers"
	curl --silent --output /dev/null --write-out '%{http_code}' -H @"$WORK_DIR/control-headers" \
		-H 'Accept: application/json' "$MISP_URL_VALUE$1"
}

# default_role_id prints the id of MISP's current default role, from the control API.
default_role_id() {
	control GET /_mispfake/default_role | sed -n 's/.*"id": *"\{0,1\}\([0-9][0-9]*\).*/\1/p'
}
