#!/usr/bin/env bash
# make test-modules: `terraform test` of every module under examples/modules/ (those with a tests/ directory)
# against the mispfake emulator, offline, the way a module author tests their own module.
#
# Builds the provider and mispfake into a temporary directory, starts the emulator on a free loopback port,
# copies each module there (the checkout stays clean), runs terraform init and terraform test with a
# dev_overrides CLI configuration and MISP_URL/MISP_API_KEY set for those commands only, and always stops the
# emulator and removes the temporary directory. Exits non-zero if any module's tests fail.
set -euo pipefail

# shellcheck source=scripts/mispfake-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/mispfake-env.sh"

color=()
[[ -t 1 ]] || color=(-no-color)

mispfake_env_init misp-test-modules

modules=()
for dir in "$REPO_ROOT"/examples/modules/*/; do
	[[ -d $dir/tests ]] && modules+=("${dir%/}")
done
[[ ${#modules[@]} -gt 0 ]] || fail "no module with a tests/ directory under examples/modules/"

step "Building the provider and mispfake"
mispfake_build

step "Starting mispfake on a free loopback port"
mispfake_start
note "emulator: $MISP_URL_VALUE"

failed=()
for src in "${modules[@]}"; do
	name=$(basename "$src")
	work="$WORK_DIR/modules/$name"
	mkdir -p "$work"
	# A copy of the module and its tests, without whatever terraform left in the checkout.
	cp -R "$src/." "$work/" || fail "copying $src"
	find "$work" \( -name .terraform -o -name .terraform.lock.hcl -o -name '*.tfstate' -o -name '*.tfstate.*' \) \
		-prune -exec rm -rf {} +

	step "terraform test: examples/modules/$name"
	if ! tf -chdir="$work" init -input=false -compact-warnings "${color[@]}" >"$WORK_DIR/init-$name.log" 2>&1; then
		cat "$WORK_DIR/init-$name.log" >&2
		failed+=("$name (init)")
		continue
	fi
	if ! tf -chdir="$work" test "${color[@]}"; then
		failed+=("$name")
	fi
done

mispfake_stop
if [[ ${#failed[@]} -gt 0 ]]; then
	fail "terraform test failed for: ${failed[*]}"
fi
printf '\nterraform test passed for %d module(s) in %ds.\n' "${#modules[@]}" "$SECONDS"
