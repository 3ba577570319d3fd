package main

import (
	"os"
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
