// Package protocol serves the provider over Terraform's plugin protocol 6: the framework's server, wrapped so that
// a long plan does not keep the context of every call it has answered.
//
// terraform-plugin-framework v1.19.0 derives a cancellable context for each RPC and keeps its cancel function until
// StopProvider (internal/proto6server/serve.go, registerContext), so that an interrupt can cancel every call in
// flight. Terraform sends StopProvider only on an interrupt, so every RPC's context — and everything reachable from
// it, chiefly the per-call logging contexts of terraform-plugin-log (several KiB per call, four calls per resource
// in a plan) — stays reachable for the life of the provider process. At 1,000 resources that was most of the
// provider's 173 MiB peak (docs/development/performance.md).
//
// The wrapper hands the framework a context that forwards to the RPC's own context while the call runs and to an
// already-cancelled empty context once it has returned. The framework's kept cancel function then pins only the
// small forwarding value. Behaviour during the call is unchanged: values, deadline and cancellation (Terraform's
// and StopProvider's) are the RPC's own.
package protocol

import (
	"context"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the provider to Terraform, as providerserver.Serve does, through the releasing wrapper. With debug,
// it runs in managed debug mode (for delve), printing the TF_REATTACH_PROVIDERS line to use.
//
// With MISP_PROVIDER_CPUPROFILE=<prefix> in its environment, the process writes a CPU profile to
// <prefix>.<pid>.pprof when Terraform shuts it down, each sample labelled rpc=<the RPC it served>, and with
// MISP_PROVIDER_HEAPPROFILE=<prefix> a heap profile of what is still live then (after a collection) to
// <prefix>.<pid>.heap (make bench BENCH_PROFILE=... uses both; docs/development/performance.md).
func Serve(address string, debug bool, p func() provider.Provider) error {
	if prefix := os.Getenv(ProfileEnv); prefix != "" {
		stop, err := startProfile(prefix)
		if err != nil {
			return err
		}
		defer stop()
	}
	if prefix := os.Getenv(HeapProfileEnv); prefix != "" {
		defer writeHeapProfile(prefix)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer {
		return Releasing(providerserver.NewProtocol6(p())())
	}, opts...)
}

// NewServer returns a factory for the provider's protocol 6 server, in the form tf6server.Serve and
// terraform-plugin-testing's ProtoV6ProviderFactories take.
func NewServer(p func() provider.Provider) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		srv, err := providerserver.NewProtocol6WithError(p())()
		if err != nil {
			return nil, err
		}
		return Releasing(srv), nil
	}
}

// Releasing wraps srv so that the context of each per-resource call (validate, upgrade, read, plan, apply, import,
// move, data source read, function call, ephemeral resource calls) is released when the call returns. Other calls
// are passed through unchanged: they happen once per run.
func Releasing(srv tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	return &releasingServer{ProviderServer: srv}
}

// ProfileEnv is the environment variable that makes Serve write a CPU profile.
const ProfileEnv = "MISP_PROVIDER_CPUPROFILE"

// HeapProfileEnv is the environment variable that makes Serve write a heap profile when it returns.
const HeapProfileEnv = "MISP_PROVIDER_HEAPPROFILE"

// writeHeapProfile writes what is live at the end of the process's work: what a provider keeps for the whole
// run, which is what grows with the number of resources.
func writeHeapProfile(prefix string) {
	path := fmt.Sprintf("%s.%d.heap", prefix, os.Getpid())
	f, err := os.Create(path) //nolint:gosec // a path the developer chose
	if err != nil {
		log.Printf("[WARN] %s: %v", HeapProfileEnv, err)
		return
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		log.Printf("[WARN] %s: %v", HeapProfileEnv, err)
	}
	if err := f.Close(); err != nil {
		log.Printf("[WARN] %s: %v", HeapProfileEnv, err)
	}
}

// profiling is set while a CPU profile is being written: calls are then labelled with their RPC.
var profiling atomic.Bool

func startProfile(prefix string) (stop func(), err error) {
	path := fmt.Sprintf("%s.%d.pprof", prefix, os.Getpid())
	f, err := os.Create(path) //nolint:gosec // a path the developer chose
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ProfileEnv, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: start CPU profile: %w", ProfileEnv, err)
	}
	profiling.Store(true)
	return func() {
		profiling.Store(false)
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Printf("[WARN] %s: %v", ProfileEnv, err)
		}
	}, nil
}

type releasingServer struct {
	tfprotov6.ProviderServer
}

// released is what a call's context forwards to once the call has returned: no values, no deadline, cancelled.
var released = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// callContext forwards to the context of a running call, and to released once the call has returned.
type callContext struct {
	current atomic.Pointer[context.Context]
}

func (c *callContext) ctx() context.Context           { return *c.current.Load() }
func (c *callContext) Deadline() (time.Time, bool)    { return c.ctx().Deadline() }
func (c *callContext) Done() <-chan struct{}          { return c.ctx().Done() }
func (c *callContext) Err() error                     { return c.ctx().Err() }
func (c *callContext) Value(key any) any              { return c.ctx().Value(key) }
func (c *callContext) String() string                 { return "protocol.callContext" }
func (c *callContext) set(ctx context.Context)        { c.current.Store(&ctx) }
func newCallContext(ctx context.Context) *callContext { c := &callContext{}; c.set(ctx); return c }

// call runs one RPC with a context that is released when it returns. The RPC's context is first given its own
// cancel, so that whatever the framework derives from the forwarding context is cancelled (and detached from the
// RPC's context) when the call ends, exactly as it would be when the RPC's context ends.
func call[Req, Resp any](ctx context.Context, name string, rpc func(context.Context, Req) (Resp, error), req Req) (resp Resp, err error) {
	inner, cancel := context.WithCancel(ctx)
	c := newCallContext(inner)
	defer func() {
		cancel()
		c.set(released)
	}()
	if !profiling.Load() {
		return rpc(c, req)
	}
	pprof.Do(c, pprof.Labels("rpc", name), func(ctx context.Context) { resp, err = rpc(ctx, req) })
	return resp, err
}

func (s *releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, "ValidateResourceConfig", s.ProviderServer.ValidateResourceConfig, req)
}

func (s *releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, "UpgradeResourceState", s.ProviderServer.UpgradeResourceState, req)
}

func (s *releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, "ReadResource", s.ProviderServer.ReadResource, req)
}

func (s *releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, "PlanResourceChange", s.ProviderServer.PlanResourceChange, req)
}

func (s *releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, "ApplyResourceChange", s.ProviderServer.ApplyResourceChange, req)
}

func (s *releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, "ImportResourceState", s.ProviderServer.ImportResourceState, req)
}

func (s *releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, "MoveResourceState", s.ProviderServer.MoveResourceState, req)
}

func (s *releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, "ValidateDataResourceConfig", s.ProviderServer.ValidateDataResourceConfig, req)
}

func (s *releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, "ReadDataSource", s.ProviderServer.ReadDataSource, req)
}

func (s *releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return call(ctx, "CallFunction", s.ProviderServer.CallFunction, req)
}

func (s *releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return call(ctx, "ValidateEphemeralResourceConfig", s.ProviderServer.ValidateEphemeralResourceConfig, req)
}

func (s *releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return call(ctx, "OpenEphemeralResource", s.ProviderServer.OpenEphemeralResource, req)
}

func (s *releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return call(ctx, "RenewEphemeralResource", s.ProviderServer.RenewEphemeralResource, req)
}

func (s *releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return call(ctx, "CloseEphemeralResource", s.ProviderServer.CloseEphemeralResource, req)
}
