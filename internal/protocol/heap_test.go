package protocol

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteHeapProfile: MISP_PROVIDER_HEAPPROFILE's file is <prefix>.<pid>.heap, a gzip-compressed pprof profile,
// and its name does not match the <prefix>.*.pprof of the CPU profiles that make bench adds up.
func TestWriteHeapProfile(t *testing.T) {
	t.Parallel()
	prefix := filepath.Join(t.TempDir(), "floor-n10-plan")
	writeHeapProfile(prefix)
	files, err := filepath.Glob(prefix + ".*.heap")
	if err != nil || len(files) != 1 {
		t.Fatalf("heap profiles %v, %v; want one", files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || len(data) < 100 {
		t.Errorf("%s is not a gzip-compressed profile (%d bytes)", files[0], len(data))
	}
	if cpu, _ := filepath.Glob(prefix + ".*.pprof"); len(cpu) != 0 {
		t.Errorf("the heap profile matches the CPU profiles' pattern: %v", cpu)
	}
}
