//go:build linux && soak

package e2e

import "testing"

// TestSoak is make soak: 200 users through the faulty network. It is built only with -tags soak, so it never
// runs, nor shows as skipped, in make test (which runs TestSoakSmall).
func TestSoak(t *testing.T) {
	soak(t, 200)
}
