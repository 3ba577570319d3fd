#!/usr/bin/env bash
# make demo: the provider doing its main job, end to end, against the mispfake emulator.
#
# Builds the provider and mispfake into a temporary directory, starts the emulator on a free loopback port,
# applies examples/quickstart through a dev_overrides CLI configuration, changes a user behind Terraform's back
# through the emulator's control API (as a person in the MISP UI would), shows `terraform plan
# -detailed-exitcode` catching the drift (exit code 2), re-applies, shows a clean plan (exit code 0), destroys
# and stops the emulator. Exits non-zero as soon as a stage misbehaves; the emulator is stopped and the
# temporary directory removed on success, failure, Ctrl-C or SIGTERM. Your ~/.terraformrc and environment are
# not used or changed.
set -euo pipefail

# shellcheck source=scripts/mispfake-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/mispfake-env.sh"

color=()
[[ -t 1 ]] || color=(-no-color)

mispfake_env_init misp-demo
command -v curl >/dev/null || fail "curl not found on PATH (the demo edits a user through the emulator's control API)"

step "1/9 Building the provider and mispfake (into $WORK_DIR)"
mispfake_build
note "CLI configuration with dev_overrides: $WORK_DIR/terraformrc (used by this demo's terraform commands only)"

step "2/9 Starting mispfake on a free loopback port"
mispfake_start
note "emulator: $MISP_URL_VALUE (pid $MISPFAKE_PID, state in $WORK_DIR/mispfake-state.json)"

work="$WORK_DIR/quickstart"
mkdir -p "$work"
cp "$REPO_ROOT"/examples/quickstart/*.tf "$work/"
mkdir -p "$work/reports"
cp "$REPO_ROOT"/examples/quickstart/reports/*.tf "$work/reports/"

# The analyst's initial password reaches the write-only password_wo through an ephemeral variable: it is in
# no plan, state, output or log.
analyst_password="Demo-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
pw_var="TF_VAR_analyst_password=$analyst_password"

default_before=$(default_role_id)
[[ -n $default_before ]] || fail "reading the default role from the emulator"

step "3/9 terraform init (offline: dev_overrides plus a local mirror of the same build)"
for dir in "$work" "$work/reports"; do
	tf -chdir="$dir" init -input=false -compact-warnings "${color[@]}" >"$WORK_DIR/init.log" 2>&1 ||
		{ cat "$WORK_DIR/init.log" >&2; fail "terraform init in $dir"; }
	note "initialised $dir"
done

step "4/9 terraform apply: an organisation, a custom role, the default role, three users"
tf "$pw_var" -chdir="$work" apply -input=false -auto-approve -compact-warnings "${color[@]}" ||
	fail "terraform apply"

step "5/9 Outputs (the bot's API key is sensitive: kept in state, never printed), then the reports"
tf -chdir="$work" output "${color[@]}" || fail "terraform output"
note "examples/quickstart/reports, a separate root module, reads MISP as it is now (data sources only):"
tf -chdir="$work/reports" apply -input=false -auto-approve -compact-warnings "${color[@]}" >"$WORK_DIR/reports.log" 2>&1 ||
	{ cat "$WORK_DIR/reports.log" >&2; fail "terraform apply of the reports"; }
tf -chdir="$work/reports" output "${color[@]}" | sed 's/^/    /' || fail "terraform output of the reports"

analyst_id=$(tf -chdir="$work" output -raw analyst_id) || fail "reading the analyst's id"
analyst_email=$(tf -chdir="$work" output -raw analyst_email) || fail "reading the analyst's email"
org_id=$(tf -chdir="$work" output -raw organisation_id) || fail "reading the organisation's id"

step "6/9 Someone promotes $analyst_email to \"Org Admin\" in the MISP UI (the emulator's control API)"
control PATCH "/_mispfake/users/$analyst_id" '{"role_id": "2"}' >/dev/null ||
	fail "changing user $analyst_id through the control API"
note "user $analyst_id now has role 2 (Org Admin) in MISP; the configuration says otherwise"

step "7/9 terraform plan -detailed-exitcode catches the drift"
rc=0
tf "$pw_var" -chdir="$work" plan -input=false -detailed-exitcode -compact-warnings "${color[@]}" || rc=$?
note "terraform plan -detailed-exitcode exited with $rc (2 = changes: drift detected)"
[[ $rc -eq 2 ]] || fail "expected exit code 2 from the drift plan, got $rc"

step "8/9 terraform apply puts MISP back as configured; the next plan is clean"
tf "$pw_var" -chdir="$work" apply -input=false -auto-approve -compact-warnings "${color[@]}" ||
	fail "terraform apply (drift repair)"
rc=0
tf "$pw_var" -chdir="$work" plan -input=false -detailed-exitcode -compact-warnings "${color[@]}" || rc=$?
note "terraform plan -detailed-exitcode exited with $rc (0 = no changes)"
[[ $rc -eq 0 ]] || fail "expected exit code 0 from the plan after re-applying, got $rc"

step "9/9 terraform destroy, then check MISP is back as it was"
tf "$pw_var" -chdir="$work" destroy -input=false -auto-approve -compact-warnings "${color[@]}" ||
	fail "terraform destroy"
status=$(control_status "/_mispfake/organisations/$org_id")
[[ $status == 404 ]] || fail "organisation $org_id still answers $status after destroy"
status=$(control_status "/_mispfake/users/$analyst_id")
[[ $status == 404 ]] || fail "user $analyst_id still answers $status after destroy"
default_after=$(default_role_id)
[[ $default_after == "$default_before" ]] ||
	fail "the default role is $default_after after destroy, expected $default_before (as before the demo)"
note "organisation $org_id and its users are gone; the default role is $default_after again, as before"

mispfake_stop
printf '\nDemo complete in %ds: drift caught (exit code 2), repaired, clean plan (exit code 0), destroyed.\n' "$SECONDS"
printf 'The emulator is stopped and %s is being removed.\n' "$WORK_DIR"
