package fakemisp_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/golden"
)

// allowance excuses the differences of one recorded step that contain one of match, for a reason. undo, if
// set, takes back what the emulator did and MISP did not (so that later steps see the same data).
type allowance struct {
	match  []string
	reason string
	undo   func(t *testing.T, s *fakemisp.Server, r *golden.Runner)
}

// goldenAllowed lists the known differences between the emulator and the recordings of real MISP, each with its
// reason. Keys are "scenario/step". It is empty: the emulator answers every recorded step as MISP 2.5.1 did. An
// entry that matches no difference fails the test, so the list cannot go stale.
var goldenAllowed = map[string]allowance{}

// TestGoldenReplay replays every recorded scenario (internal/golden/testdata, answers of a real MISP 2.5.1)
// against a fresh emulator and checks each answer: status, media type, redirect, the whole envelope for
// success/failure/exception answers, and for data the object key sets (recursively) and JSON types.
// GOLDEN_VALUES=1 also logs the data values that differ.
func TestGoldenReplay(t *testing.T) {
	t.Parallel()
	files, err := golden.Load(filepath.Join("..", "golden", golden.Dir))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, f := range files {
		t.Run(f.Scenario, func(t *testing.T) {
			s := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 11})
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			r := golden.NewRunner(srv.URL, testAdminKey)
			for k, v := range f.IDs {
				r.IDs[k] = v
			}
			r.Preserve = golden.PreserveFrom(f.Steps)
			for i := range f.Steps {
				st := f.Steps[i]
				key := f.Scenario + "/" + st.Name
				got, err := r.Run(t.Context(), &st)
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				diffs, values := golden.Compare(&st.Response, got)
				allow, listed := goldenAllowed[key]
				if listed && allow.undo != nil && len(diffs) > 0 {
					allow.undo(t, s, r)
				}
				for _, d := range diffs {
					if listed && containsAny(d, allow.match) {
						used[key] = true
						t.Logf("%s: known difference (%s): %s", key, allow.reason, d)
						continue
					}
					t.Errorf("%s (%s %s): %s", key, st.Request.Method, st.Request.Path, d)
				}
				if os.Getenv("GOLDEN_VALUES") != "" {
					for _, v := range values {
						t.Logf("%s: value: %s", key, v)
					}
				}
			}
		})
	}
	for key := range goldenAllowed {
		if !used[key] {
			t.Errorf("allow-list entry %s matched no difference: remove it", key)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
