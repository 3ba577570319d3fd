//go:build linux

// Command rsswrap stands in for the provider binary in the end-to-end harness: Terraform starts it through
// dev_overrides, it runs the real provider (E2E_PROVIDER_BIN) as a child with the same arguments, standard
// streams and environment, and when the child exits it appends a line with its peak RSS (getrusage's
// ru_maxrss of the child) to E2E_RSS_FILE. go-plugin's handshake line and the gRPC traffic pass straight
// through, because the child inherits the wrapper's file descriptors. The line also carries the child's
// user and system CPU time in microseconds: "<pid> <peak RSS KiB> <user µs> <system µs>".
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run())
}

func run() int {
	bin := os.Getenv("E2E_PROVIDER_BIN")
	if bin == "" {
		fmt.Fprintln(os.Stderr, "rsswrap: E2E_PROVIDER_BIN is not set")
		return 1
	}
	cmd := exec.CommandContext(context.Background(), bin, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// If Terraform kills the wrapper outright, the provider must not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "rsswrap: start provider: %v\n", err)
		return 1
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	signal.Stop(sigs)

	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
		if code < 0 {
			code = 1
		}
	case err != nil:
		fmt.Fprintf(os.Stderr, "rsswrap: wait for provider: %v\n", err)
		code = 1
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		record(cmd.ProcessState.Pid(), ru.Maxrss, cmd.ProcessState.UserTime().Microseconds(), cmd.ProcessState.SystemTime().Microseconds())
	}
	return code
}

// record appends one line; O_APPEND keeps lines of concurrent provider processes whole.
func record(pid int, maxRSSKiB, userMicros, sysMicros int64) {
	path := os.Getenv("E2E_RSS_FILE")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintf(os.Stderr, "rsswrap: %v\n", err)
		return
	}
	_, _ = fmt.Fprintf(f, "%d %d %d %d\n", pid, maxRSSKiB, userMicros, sysMicros)
	_ = f.Close()
}
