#!/usr/bin/env bash
# make testacc-real: the acceptance and end-to-end tests against a real MISP instead of the emulator.
#
# Which MISP:
#   - MISP_ACC_URL and MISP_ACC_API_KEY, when both are set (a disposable instance: the tests create and delete
#     users, organisations and roles, and change the default role for a while);
#   - otherwise the bundled real MISP 2.5.1 in ../shared/realmisp (REALMISP_DIR overrides the path): installed
#     if needed (setup.sh, idempotent), started, and reset to its just-installed state before the run.
#   Neither: the script says so and fails (a real-MISP run that silently does nothing would count as passing).
#
# Order: sweep leftovers of earlier runs, run the suite (go test -v, so every test's start and end is printed),
# then sweep again: the second sweep must find nothing, or the suite left objects behind and the run fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

GO=${GO:-go}
PARALLEL=${TESTACC_REAL_PARALLEL:-3}
TIMEOUT=${TESTACC_REAL_TIMEOUT:-45m}
RUN=${TESTACC_REAL_RUN:-}

say() { printf '\n==> %s\n' "$*" >&2; }
fail() { printf 'testacc-real: %s\n' "$*" >&2; exit 1; }

command -v terraform >/dev/null || fail "terraform not found on PATH: the acceptance tests need Terraform >= 1.11"

if [[ -n ${MISP_ACC_URL:-} && -n ${MISP_ACC_API_KEY:-} ]]; then
	say "Real MISP from the environment: $MISP_ACC_URL"
elif [[ -n ${MISP_ACC_URL:-} || -n ${MISP_ACC_API_KEY:-} ]]; then
	fail "set both MISP_ACC_URL and MISP_ACC_API_KEY, or neither (to use ../shared/realmisp)"
else
	dir=${REALMISP_DIR:-../shared/realmisp}
	[[ -x $dir/start.sh || -f $dir/start.sh ]] ||
		fail "no MISP to test against: set MISP_ACC_URL and MISP_ACC_API_KEY, or provide the bundled real MISP in $dir"
	say "Installing the bundled real MISP if needed ($dir/setup.sh; the first time takes a few minutes)"
	bash "$dir/setup.sh" >&2 || fail "$dir/setup.sh failed"
	say "Starting it from a fresh reset ($dir/start.sh --fresh)"
	env_lines=$(bash "$dir/start.sh" --fresh) || fail "$dir/start.sh --fresh failed: MISP did not come up"
	MISP_ACC_URL=$(sed -n 's/^MISP_URL=//p' <<<"$env_lines")
	MISP_ACC_API_KEY=$(sed -n 's/^MISP_KEY=//p' <<<"$env_lines")
	[[ -n $MISP_ACC_URL && -n $MISP_ACC_API_KEY ]] || fail "$dir/start.sh did not print MISP_URL and MISP_KEY"
	say "Real MISP: $MISP_ACC_URL"
fi
export MISP_ACC_URL MISP_ACC_API_KEY
# The key reaches the tests through the environment only; never echo it.

sweep() {
	# Prints the objects it deletes ("[INFO] sweeping ..."), one line each.
	"$GO" test -count=1 -run '^$' ./internal/provider/ -sweep=misp -v 2>&1 | grep -E 'sweeping|making the built-in|FAIL|panic|error' || true
}

say "Sweeping test objects left by earlier runs"
sweep

say "Acceptance and end-to-end tests against $MISP_ACC_URL (-parallel=$PARALLEL; each test prints when it starts and ends)"
args=(-count=1 -timeout="$TIMEOUT" -parallel="$PARALLEL" -v)
[[ -n $RUN ]] && args+=(-run "$RUN")
log=${TESTACC_REAL_LOG:-${TMPDIR:-/tmp}/testacc-real.log}
: >"$log"
# One package at a time: go test streams -v output only then (several packages at once are buffered whole).
status=0
for pkg in ./internal/provider/ ./internal/e2e/; do
	say "go test $pkg"
	set +e
	TF_ACC=1 "$GO" test "${args[@]}" "$pkg" 2>&1 | tee -a "$log" |
		grep --line-buffered -E '^(=== RUN|--- (PASS|FAIL|SKIP)|\s+--- (PASS|FAIL|SKIP)|PASS|FAIL|ok |panic:|\s+\S+_test\.go:[0-9]+: )'
	rc=${PIPESTATUS[0]}
	set -e
	[[ $rc -eq 0 ]] || status=$rc
done

say "Summary"
passed=$(grep -cE '^\s*--- PASS' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
skipped=$(grep -cE '^--- SKIP' "$log" || true)
echo "top-level and subtests passed: $passed, failed: $failed; top-level tests skipped: $skipped" >&2
# Each skipped test with its reason (the t.Skip line of its output chunk).
awk 'NR == FNR { if (match($0, /^--- SKIP: [^ ]+/)) skipped[substr($0, RSTART + 10, RLENGTH - 10)] = 1; next }
	/^=== (RUN|CONT|NAME|PAUSE)/ { cur = $3; next }
	(cur in skipped) && /_test\.go:[0-9]+: / { sub(/^ +/, ""); print "  skipped " cur ": " $0 }' "$log" "$log" >&2
if [[ $failed -gt 0 ]]; then
	say "Failures, in full (the whole log: $log)"
	# go test -v heads each chunk of a test's output with "=== RUN|CONT|NAME|PAUSE <test>": print the chunks of
	# the tests that failed.
	awk 'NR == FNR { if (match($0, /--- FAIL: [^ ]+/)) failed[substr($0, RSTART + 10, RLENGTH - 10)] = 1; next }
		/^=== (RUN|CONT|NAME|PAUSE)/ { cur = $3; next }
		/^\s*--- (PASS|FAIL|SKIP)/ { next }
		(cur in failed) { print cur ": " $0 }' "$log" "$log" >&2
fi
if grep -q '^panic:' "$log"; then
	fail "a test binary panicked"
fi

say "Sweeping again: the suite must have left nothing behind"
leftovers=$(sweep)
if [[ -n $leftovers ]]; then
	echo "$leftovers" >&2
	if [[ $status -eq 0 ]]; then
		fail "the tests passed but left objects behind in MISP (swept now)"
	fi
fi

[[ $status -eq 0 ]] || fail "go test failed (exit $status)"
say "All acceptance and end-to-end tests passed against $MISP_ACC_URL (log: $log)"
