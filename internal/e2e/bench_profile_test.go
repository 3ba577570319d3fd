//go:build linux && bench

package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// The provider's CPU profiles (internal/protocol, MISP_PROVIDER_CPUPROFILE) label each sample rpc=<RPC>. The bench
// sums them per RPC kind. A profile is gzip-compressed protobuf (github.com/google/pprof's proto/profile.proto); only
// the fields needed here are decoded: Profile.sample_type (1), Profile.sample (2), Profile.string_table (6);
// ValueType.type (1); Sample.value (2), Sample.label (3); Label.key (1), Label.str (2).

// rpcLabel is the label key internal/protocol gives each sample.
const rpcLabel = "rpc"

// cpuByRPC sums the CPU time of the profiles written with prefix (<prefix>.<pid>.pprof), by the value of the rpc
// label ("" for unlabelled samples: the runtime's own work such as background GC, and start-up). It returns the
// files it read.
func cpuByRPC(prefix string) (map[string]time.Duration, []string, error) {
	files, err := filepath.Glob(prefix + ".*.pprof")
	if err != nil {
		return nil, nil, fmt.Errorf("profiles %s: %w", prefix, err)
	}
	out := map[string]time.Duration{}
	for _, f := range files {
		if err := addProfile(f, out); err != nil {
			return nil, nil, err
		}
	}
	return out, files, nil
}

func addProfile(path string, into map[string]time.Duration) error {
	raw, err := os.ReadFile(path) //nolint:gosec // a file the bench wrote
	if err != nil {
		return fmt.Errorf("read profile: %w", err)
	}
	if len(raw) == 0 {
		return nil // the process had nothing to profile
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("profile %s: %w", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("profile %s: %w", path, err)
	}
	type sample struct {
		values []int64
		labels map[int64]int64 // key string index -> str string index
	}
	var (
		sampleTypes []int64 // string index of each value's type
		samples     []sample
		strs        []string
	)
	err = walk(data, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error {
		switch {
		case num == 1 && typ == protowire.BytesType: // sample_type
			return walk(b, func(num protowire.Number, typ protowire.Type, v uint64, _ []byte) error {
				if num == 1 && typ == protowire.VarintType {
					sampleTypes = append(sampleTypes, int64(v)) //nolint:gosec // a string index
				}
				return nil
			})
		case num == 2 && typ == protowire.BytesType: // sample
			s := sample{labels: map[int64]int64{}}
			err := walk(b, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error {
				switch {
				case num == 2 && typ == protowire.VarintType:
					s.values = append(s.values, int64(v)) //nolint:gosec // a sample value
				case num == 2 && typ == protowire.BytesType: // packed
					for len(b) > 0 {
						x, n := protowire.ConsumeVarint(b)
						if n < 0 {
							return protowire.ParseError(n)
						}
						s.values, b = append(s.values, int64(x)), b[n:] //nolint:gosec // a sample value
					}
				case num == 3 && typ == protowire.BytesType:
					var key, str int64
					err := walk(b, func(num protowire.Number, typ protowire.Type, v uint64, _ []byte) error {
						if typ == protowire.VarintType && num == 1 {
							key = int64(v) //nolint:gosec // a string index
						} else if typ == protowire.VarintType && num == 2 {
							str = int64(v) //nolint:gosec // a string index
						}
						return nil
					})
					if err != nil {
						return err
					}
					s.labels[key] = str
				}
				return nil
			})
			samples = append(samples, s)
			return err
		case num == 6 && typ == protowire.BytesType: // string_table
			strs = append(strs, string(b))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("profile %s: %w", path, err)
	}
	str := func(i int64) string {
		if i < 0 || i >= int64(len(strs)) {
			return ""
		}
		return strs[i]
	}
	cpu := -1
	for i, t := range sampleTypes {
		if str(t) == "cpu" {
			cpu = i
		}
	}
	if cpu < 0 {
		return fmt.Errorf("profile %s: no cpu sample type", path)
	}
	for _, s := range samples {
		if cpu >= len(s.values) {
			continue
		}
		name := ""
		for k, v := range s.labels {
			if str(k) == rpcLabel {
				name = str(v)
			}
		}
		into[name] += time.Duration(s.values[cpu])
	}
	return nil
}

// walk calls fn for every field of a protobuf message: its number, wire type, varint value or bytes.
func walk(b []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var (
			v   uint64
			val []byte
		)
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			val, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := fn(num, typ, v, val); err != nil {
			return err
		}
	}
	return nil
}

// TestBenchProfileLabels checks the decoding on a real profile of this process: CPU burnt under pprof.Do with
// rpc=Spin is found under Spin.
func TestBenchProfileLabels(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "p")
	f, err := os.Create(prefix + ".1.pprof")
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	var sink uint64
	pprof.Do(t.Context(), pprof.Labels(rpcLabel, "Spin"), func(context.Context) {
		for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
			sink += uint64(time.Now().UnixNano()) % 7 //nolint:gosec // busy work
		}
	})
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	got, files, err := cpuByRPC(prefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || got["Spin"] < 50*time.Millisecond {
		t.Fatalf("files %v, CPU by rpc %v (sink %d): want >= 50ms under Spin", files, got, sink)
	}
}
