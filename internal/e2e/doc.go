// Package e2e drives the real Terraform CLI against a built provider binary and an in-process MISP
// emulator, for what the framework's in-process acceptance tests cannot show: whole-command wall time,
// the provider process's peak memory, HTTP request counts per command, behaviour under network faults,
// and what ends up in TF_LOG output and the state file.
//
// The harness builds the provider once (go build), writes a CLI configuration whose dev_overrides point
// registry.terraform.io/misp-iac/misp at a small wrapper (cmd/rsswrap) that runs the provider and records
// its peak RSS, starts a fakemisp emulator on 127.0.0.1, and runs terraform with a clean environment.
//
// Tests (Linux only, as the wrapper reads getrusage):
//
//   - TestSoakSmall, TestSecretHygiene: part of make test (they need TF_ACC=1, like the acceptance tests);
//   - TestSoak: make soak (built with -tags soak), 200 users under faults;
//   - TestBench: make bench (built with -tags bench, optional BENCH_N=100,1000,5000), prints the tables and writes
//     them as Markdown to BENCH_OUT (default bench-results.md at the repository root).
package e2e
