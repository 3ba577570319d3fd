#!/usr/bin/env bash
# progress.sh LABEL COMMAND [ARGS...]: runs COMMAND, prints "==> LABEL" first, passes its output through (stderr
# merged into stdout), and whenever the command has printed nothing for PROGRESS_INTERVAL seconds (default 15)
# prints a heartbeat "    ... still LABEL (Ns)", so that a long silent step (a race build, go install of a
# tool, golangci-lint on a cold cache) never looks hung. Ends with "    LABEL: done in Ns" or "FAILED after Ns"
# and exits with COMMAND's exit code. PROGRESS_PREFIX (default empty) is put before every line it prints.
set -uo pipefail

if [[ $# -lt 2 ]]; then
	echo "usage: $0 LABEL COMMAND [ARGS...]" >&2
	exit 2
fi
label=$1
shift
interval=${PROGRESS_INTERVAL:-15}
p=${PROGRESS_PREFIX:-}
start=$(date +%s)

printf '%s==> %s\n' "$p" "$label"
"$@" 2>&1 | {
	last=$(date +%s) pending=""
	while :; do
		status=0
		IFS= read -r -t 1 line || status=$?
		if ((status == 0)); then
			printf '%s%s\n' "$p" "$line"
			last=$(date +%s) pending=""
			continue
		fi
		if [[ -n ${line:-} ]]; then # a partial line when read timed out or at end of input
			printf '%s%s' "$p" "$line"
			line="" pending=$'\n'
			last=$(date +%s)
		fi
		((status > 128)) || break # end of input, not a timeout
		now=$(date +%s)
		if ((now - last >= interval)); then
			printf '%s%s    ... still %s (%ds)\n' "$pending" "$p" "$label" $((now - start))
			pending=""
			last=$now
		fi
	done
}
rc=${PIPESTATUS[0]}
elapsed=$(($(date +%s) - start))
if ((rc == 0)); then
	printf '%s    %s: done in %ds\n' "$p" "$label" "$elapsed"
else
	printf '%s    %s: FAILED after %ds (exit code %d)\n' "$p" "$label" "$elapsed" "$rc"
fi
exit "$rc"
