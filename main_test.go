package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuietSDKLogsUnlessRequested(t *testing.T) {
	vars := []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}
	reset := func(t *testing.T) {
		for _, v := range vars {
			t.Setenv(v, "")
			if err := os.Unsetenv(v); err != nil {
				t.Fatal(err)
			}
		}
	}

	t.Run("nobody asked for logs", func(t *testing.T) {
		reset(t)
		t.Setenv("TF_LOG_SDK_PROTO", "ERROR") // a user's own choice is kept
		_ = os.Unsetenv("TF_LOG_SDK")
		quietSDKLogsUnlessRequested()
		for v, want := range map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER": "off", "TF_LOG_SDK_PROTO": "ERROR"} {
			if got := os.Getenv(v); got != want {
				t.Errorf("%s = %q, want %q", v, got, want)
			}
		}
	})

	t.Run("TF_LOG set", func(t *testing.T) {
		reset(t)
		t.Setenv("TF_LOG", "TRACE")
		quietSDKLogsUnlessRequested()
		for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
			if _, set := os.LookupEnv(v); set {
				t.Errorf("%s was set although TF_LOG asks for logs", v)
			}
		}
	})
}

func TestVersionFlag(t *testing.T) {
	if got := versionLine(); got != "terraform-provider-misp dev" {
		t.Errorf("versionLine() = %q, want the default version dev", got)
	}
	bin := filepath.Join(t.TempDir(), "terraform-provider-misp")
	build := exec.CommandContext(t.Context(), "go", "build", "-ldflags", "-X main.version=9.8.7", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(t.Context(), bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("-version: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "terraform-provider-misp 9.8.7" {
		t.Errorf("-version printed %q, want the version set by goreleaser's ldflags", got)
	}
}
