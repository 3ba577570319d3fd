package protocol_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/misp-iac/terraform-provider-misp/internal/protocol"
	"github.com/misp-iac/terraform-provider-misp/internal/provider"
)

type payloadKey struct{}

// payload stands for what a call's context carries (terraform-plugin-log's loggers and their fields).
type payload struct {
	data [64 << 10]byte //nolint:unused // only its size matters: the collector must free 64 KiB
}

// callOnce sends one ValidateResourceConfig whose context carries a payload and returns a weak pointer to it.
func callOnce(t *testing.T, srv tfprotov6.ProviderServer) weak.Pointer[payload] {
	t.Helper()
	p := &payload{}
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
	defer cancel()
	if _, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "misp_role"}); err != nil {
		t.Fatal(err)
	}
	return weak.Make(p)
}

func collected(w weak.Pointer[payload]) bool {
	for range 5 {
		runtime.GC()
		if w.Value() == nil {
			return true
		}
	}
	return false
}

// TestReleasingFreesCallContexts proves the point of the wrapper against the real framework server: once a call has
// returned, nothing the call's context carried is kept reachable by the provider. The same call on the bare
// framework server is reported for comparison; when it too frees the context, the framework has been fixed
// (terraform-plugin-framework's registerContext) and the wrapper can go.
func TestReleasingFreesCallContexts(t *testing.T) {
	wrapped, err := protocol.NewServer(provider.New("test"))()
	if err != nil {
		t.Fatal(err)
	}
	if !collected(callOnce(t, wrapped)) {
		t.Fatal("a returned call's context is still reachable through the wrapped server")
	}
	runtime.KeepAlive(wrapped)

	bare, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	if collected(callOnce(t, bare)) {
		t.Log("the bare framework server frees call contexts too: the framework no longer keeps them, so protocol.Releasing is no longer needed")
	} else {
		t.Log("as expected on framework v1.19, the bare server keeps each call's context until StopProvider")
	}
	runtime.KeepAlive(bare)
}

// recorder is a ProviderServer whose ValidateResourceConfig keeps the context it was given, as the framework does.
type recorder struct {
	tfprotov6.ProviderServer
	during func(ctx context.Context)
	kept   context.Context
}

func (r *recorder) ValidateResourceConfig(ctx context.Context, _ *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	kept, cancel := context.WithCancel(ctx) // what registerContext does
	_ = cancel
	r.kept = kept
	if r.during != nil {
		r.during(kept)
	}
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// TestReleasingKeepsCallBehaviour: while the call runs, its context has the RPC's values, deadline and
// cancellation; afterwards what the callee kept is cancelled and empty.
func TestReleasingKeepsCallBehaviour(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancelParent := context.WithDeadline(context.WithValue(context.Background(), payloadKey{}, "v"), deadline)
	defer cancelParent()

	var sawValue any
	var sawDeadline time.Time
	var sawErr error
	rec := &recorder{during: func(ctx context.Context) {
		sawValue = ctx.Value(payloadKey{})
		sawDeadline, _ = ctx.Deadline()
		sawErr = ctx.Err()
	}}
	if _, err := protocol.Releasing(rec).ValidateResourceConfig(parent, nil); err != nil {
		t.Fatal(err)
	}
	if sawValue != "v" || !sawDeadline.Equal(deadline) || sawErr != nil {
		t.Fatalf("during the call: value %v, deadline %v, err %v; want v, %v, nil", sawValue, sawDeadline, sawErr, deadline)
	}
	if rec.kept.Value(payloadKey{}) != nil {
		t.Error("after the call, the kept context still carries the call's values")
	}
	if _, ok := rec.kept.Deadline(); ok {
		t.Error("after the call, the kept context still has the call's deadline")
	}
	select {
	case <-rec.kept.Done():
	default:
		t.Error("after the call, the kept context is not done")
	}
	if !errors.Is(rec.kept.Err(), context.Canceled) {
		t.Errorf("after the call, kept.Err() = %v, want context.Canceled", rec.kept.Err())
	}
	if parent.Err() != nil {
		t.Error("ending the call cancelled the caller's context")
	}
}

// TestReleasingPassesCancellation: cancelling the RPC's context (Terraform's interrupt) reaches the callee.
func TestReleasingPassesCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	var gotCancel bool
	rec := &recorder{during: func(ctx context.Context) {
		cancel()
		select {
		case <-ctx.Done():
			gotCancel = errors.Is(ctx.Err(), context.Canceled)
		case <-time.After(5 * time.Second):
		}
	}}
	if _, err := protocol.Releasing(rec).ValidateResourceConfig(parent, nil); err != nil {
		t.Fatal(err)
	}
	if !gotCancel {
		t.Fatal("cancelling the RPC's context did not cancel the context the callee holds")
	}
}
