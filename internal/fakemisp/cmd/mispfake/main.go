// Command mispfake serves the fakemisp MISP 2.5.1 emulator over HTTP(S) for demos, module authors' CI and manual
// testing.
//
//	mispfake -listen 127.0.0.1:8080 -admin-key <40 alphanumerics>
//
// Once it accepts connections it prints "MISP_URL=http://host:port" on stdout (and "MISP_API_KEY=<key>" when it
// generated the key), logs one line per request to stderr (method, path, status, duration; never a key), and
// serves until SIGINT or SIGTERM, then exits 0.
//
// Flags:
//
//	-listen ADDR        address to listen on (default 127.0.0.1:8080; port 0 picks a free port)
//	-admin-key KEY      the site admin's API key (40 alphanumerics); generated and printed if empty
//	-state FILE         persist the data to FILE (JSON, write-to-temp-and-rename on every change) and reload it at
//	                    start; a corrupt or unreadable file is an error, never replaced
//	-tls                serve HTTPS with a fresh self-signed certificate
//	-tls-cert-out FILE  write that certificate (PEM) to FILE, for clients' CA bundles
//	-faults SPEC        inject faults from the start (vocabulary: see package fakemisp)
//	-no-control         turn the /_mispfake/ control API off
//	-fail-email         make every e-mail MISP would send fail, as with a broken mail setup (password resets then
//	                    answer {"saved": false, ...}); POST /_mispfake/email {"fail": false} turns it off
//	-seed N             seed for generated values and fault injection (0: random)
//	-quiet              do not log requests
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the parsed command line.
type config struct {
	listen, adminKey, state, certOut, faults string
	tls, noControl, quiet, failEmail         bool
	seed                                     int64
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fset := flag.NewFlagSet("mispfake", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.StringVar(&c.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fset.StringVar(&c.adminKey, "admin-key", "", "site admin API key (40 alphanumerics); generated and printed if empty")
	fset.StringVar(&c.state, "state", "", "JSON file to persist the data to and reload it from")
	fset.BoolVar(&c.tls, "tls", false, "serve HTTPS with a fresh self-signed certificate")
	fset.StringVar(&c.certOut, "tls-cert-out", "", "write the self-signed certificate (PEM) to this file")
	fset.StringVar(&c.faults, "faults", "", "faults to inject from the start, e.g. 'error:rate=0.1@POST /admin/users/*'")
	fset.BoolVar(&c.noControl, "no-control", false, "disable the /_mispfake/ control API")
	fset.BoolVar(&c.failEmail, "fail-email", false, "make every e-mail MISP would send fail (broken mail setup)")
	fset.Int64Var(&c.seed, "seed", 0, "seed for generated values and fault injection (0: random)")
	fset.BoolVar(&c.quiet, "quiet", false, "do not log requests")
	if err := fset.Parse(args); err != nil {
		return c, err
	}
	if fset.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fset.Args())
	}
	if c.certOut != "" && !c.tls {
		return c, errors.New("-tls-cert-out needs -tls")
	}
	if c.adminKey != "" && !validKey(c.adminKey) {
		return c, errors.New("-admin-key must be 40 alphanumeric characters")
	}
	return c, nil
}

func validKey(k string) bool {
	if len(k) != 40 {
		return false
	}
	for _, r := range k {
		if (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// run is the whole program; it returns the exit code (0 after a clean shutdown when ctx ends).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	logger := log.New(stderr, "mispfake: ", log.LstdFlags)
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		logger.Print(err)
		return 2
	}
	faults, err := fakemisp.ParseFaults(c.faults)
	if err != nil {
		logger.Printf("-faults: %v", err)
		return 2
	}

	p := &persister{path: c.state, logger: logger}
	opts := fakemisp.Options{AdminKey: c.adminKey, DisableControlAPI: c.noControl, Seed: c.seed, OnChange: p.save,
		FailEmail: c.failEmail}
	if !c.quiet {
		opts.Logf = func(format string, args ...any) { logger.Printf(format, args...) }
	}
	srv := fakemisp.New(opts)
	p.srv = srv
	if c.state != "" {
		if err := p.load(); err != nil {
			logger.Print(err)
			return 1
		}
	}
	for _, f := range faults {
		srv.AddFault(f)
	}

	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", c.listen)
	if err != nil {
		logger.Printf("listen: %v", err)
		return 1
	}
	scheme := "http"
	if c.tls {
		cert, err := selfSigned(ln.Addr())
		if err != nil {
			_ = ln.Close()
			logger.Printf("tls: %v", err)
			return 1
		}
		if c.certOut != "" {
			if err := writeFileAtomic(c.certOut, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
				_ = ln.Close()
				logger.Printf("tls: %v", err)
				return 1
			}
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	if _, err := fmt.Fprintf(stdout, "MISP_URL=%s://%s\n", scheme, displayAddr(ln.Addr())); err != nil {
		logger.Printf("stdout: %v", err)
	}
	if c.adminKey == "" {
		_, _ = fmt.Fprintf(stdout, "MISP_API_KEY=%s\n", srv.AdminKey())
	}
	if c.state != "" {
		logger.Printf("state in %s", c.state)
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		logger.Printf("serve: %v", err)
		return 1
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		logger.Printf("shutdown: %v", err)
	}
	if err := p.flush(); err != nil {
		logger.Print(err)
		return 1
	}
	return 0
}

// displayAddr is host:port as clients should dial it; unspecified addresses become loopback.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// persister keeps the -state file in step with the emulator's data.
type persister struct {
	path   string
	logger *log.Logger
	srv    *fakemisp.Server

	mu    sync.Mutex
	ready bool // set once the file has been loaded or created
}

// load reads the state file if it exists (a corrupt or unreadable file is an error) or creates it.
func (p *persister) load() error {
	data, err := os.ReadFile(p.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("state file %s: %w", p.path, err)
	default:
		if err := p.srv.Restore(data); err != nil {
			return fmt.Errorf("state file %s is not a mispfake state (refusing to replace it): %w", p.path, err)
		}
	}
	p.mu.Lock()
	p.ready = true
	p.mu.Unlock()
	return p.flush()
}

// save is Options.OnChange.
func (p *persister) save() {
	if err := p.flush(); err != nil {
		p.logger.Print(err)
	}
}

func (p *persister) flush() error {
	if p.path == "" || p.srv == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ready {
		return nil
	}
	data, err := p.srv.Snapshot()
	if err != nil {
		return fmt.Errorf("state file %s: %w", p.path, err)
	}
	if err := writeFileAtomic(p.path, data, 0o600); err != nil {
		return fmt.Errorf("state file %s: %w", p.path, err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it over path.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(name, mode)
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

// selfSigned makes a fresh ECDSA P-256 certificate valid for loopback, localhost and the listen address.
func selfSigned(addr net.Addr) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("serial: %w", err)
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP != nil && !tcp.IP.IsUnspecified() && !tcp.IP.IsLoopback() {
		ips = append(ips, tcp.IP)
	}
	hostname, _ := os.Hostname()
	dns := []string{"localhost"}
	if hostname != "" && hostname != "localhost" {
		dns = append(dns, hostname)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mispfake", Organization: []string{"mispfake"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           ips,
		DNSNames:              dns,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("create certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
