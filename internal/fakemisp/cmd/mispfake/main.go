// Command mispfake serves the fakemisp MISP 2.5.1 emulator over HTTP(S) for demos, module authors' CI and manual
// testing. `mispfake -h` prints the whole manual (usage below); keep the two in step.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
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

// version is set at build time by goreleaser with -ldflags "-X main.version=...".
var version = "dev"

// usageText is what -h prints before the flag list.
const usageText = `mispfake — an in-memory MISP 2.5.1 emulator (users, organisations, roles) for tests, demos and module CI.

Usage:
  mispfake [flags]

  mispfake -listen 127.0.0.1:0                        a free port, a generated key
  mispfake -listen 127.0.0.1:8080 -admin-key KEY -state misp.json

Printed lines (stdout), once it accepts connections:
  MISP_URL=http://127.0.0.1:PORT   (https:// with -tls) the URL to give the provider (url or MISP_URL)
  MISP_API_KEY=<40 characters>     the site admin's API key, unless -admin-key was given
Nothing else goes to stdout, so a script can start it in the background with stdout to a file and read the
two lines from there, e.g.:
  mispfake -listen 127.0.0.1:0 -quiet >mispfake.env & until grep -q '^MISP_URL=' mispfake.env; do sleep 0.1; done
  set -a; . ./mispfake.env; set +a
Requests are logged to stderr, one line each (method, path, status, duration; never a key); -quiet stops it.
It serves until SIGINT or SIGTERM, then saves the state (with -state) and exits 0.

Seed data (a fresh MISP): organisation 1 "ORGNAME", roles 1-6 (default role 3 "User"), the site admin
user 1 admin@admin.test whose API key is -admin-key or the generated one.

State (-state FILE):
  The data is saved to FILE (JSON, written to a temporary file and renamed) on every change and loaded at
  start; a corrupt or unreadable file is an error, never replaced. The admin key is kept in FILE too, so a
  restart with -state and without -admin-key serves the same key again (and prints it). FILE holds that key
  in clear: keep it private (it is written with mode 0600).

Control API (unless -no-control), JSON, only with the site admin's key in the Authorization header; not
counted, logged or faulted:
  GET    /_mispfake/stats                    {"total": n, "counters": {"METHOD /template": n}}
  GET    /_mispfake/requests                 the request log; DELETE clears it
  POST   /_mispfake/reset                    back to the seed data; POST /_mispfake/reset/counters: counters only
  GET    /_mispfake/faults                   active faults; POST adds {"spec": "..."} or a fault object;
                                             DELETE or POST /_mispfake/faults/clear removes them
  GET    /_mispfake/{users|organisations|roles}[/ID]   list, or one record
  POST   /_mispfake/{users|organisations|roles}        create from fields -> {"id": ...} (users: "authkey" too)
  PATCH  /_mispfake/{users|organisations|roles}/ID     change fields, as a person in the MISP UI would
                                                       (e.g. {"role_id": 2}, {"last_login": 1700000000})
  DELETE /_mispfake/{users|organisations|roles}/ID     delete
  POST   /_mispfake/users/ID/authkeys        a new API key for the user -> {"authkey": ...}
  POST   /_mispfake/roles/ID/default         make role ID the default; GET /_mispfake/default_role reads it
  GET    /_mispfake/snapshot                 the data as JSON; PUT restores it
  GET    /_mispfake/email                    {"fail": bool, "emails": [...]} (e-mails are logged, never sent);
                                             POST {"fail": true|false} breaks or mends e-mail; DELETE clears
  Example: curl -s -H "Authorization: $MISP_API_KEY" "$MISP_URL/_mispfake/users"

Faults (-faults SPEC, or POST /_mispfake/faults {"spec": SPEC}): a list separated by ";"
  KIND[:key=value[,key=value...]][@PATTERN]
  KIND     error | latency | ratelimit | drop | lost_response
  keys     rate=0.25 (probability, default 1), status=503 (for error, default 500), min=10ms,max=200ms or
           latency=50ms, retry=2 (Retry-After seconds for ratelimit), count=3 (stop after that many)
  PATTERN  an endpoint such as "POST /admin/users/add" or "GET /admin/users/view/{id}"; * matches anything,
           a trailing /* also deeper paths; default *
  Example: -faults 'error:status=503,rate=0.2@POST /admin/users/*; latency:min=5ms,max=20ms'

TLS (-tls): HTTPS with a fresh self-signed certificate for 127.0.0.1, ::1, localhost and the host name;
-tls-cert-out FILE writes it (PEM) for the client's CA bundle (the provider's ca_cert_file).

E-mail (-fail-email): every e-mail MISP would send fails, as with a broken mail setup; password resets then
answer {"saved": false, ...} and change nothing. POST /_mispfake/email {"fail": false} mends it.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the parsed command line.
type config struct {
	listen, adminKey, state, certOut, faults  string
	tls, noControl, quiet, failEmail, version bool
	seed                                      int64
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fset := flag.NewFlagSet("mispfake", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		_, _ = fmt.Fprint(fset.Output(), usageText)
		fset.PrintDefaults()
	}
	fset.StringVar(&c.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fset.StringVar(&c.adminKey, "admin-key", "", "site admin API key (40 alphanumerics); if empty, the one saved in -state or a generated one, printed")
	fset.StringVar(&c.state, "state", "", "JSON file to persist the data to and reload it from")
	fset.BoolVar(&c.tls, "tls", false, "serve HTTPS with a fresh self-signed certificate")
	fset.StringVar(&c.certOut, "tls-cert-out", "", "write the self-signed certificate (PEM) to this file")
	fset.StringVar(&c.faults, "faults", "", "faults to inject from the start, e.g. 'error:rate=0.1@POST /admin/users/*'")
	fset.BoolVar(&c.noControl, "no-control", false, "disable the /_mispfake/ control API")
	fset.BoolVar(&c.failEmail, "fail-email", false, "make every e-mail MISP would send fail (broken mail setup)")
	fset.Int64Var(&c.seed, "seed", 0, "seed for generated values and fault injection (0: random)")
	fset.BoolVar(&c.quiet, "quiet", false, "do not log requests")
	fset.BoolVar(&c.version, "version", false, "print the version and exit")
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
	if c.version {
		_, _ = fmt.Fprintf(stdout, "mispfake %s\n", version)
		return 0
	}
	faults, err := fakemisp.ParseFaults(c.faults)
	if err != nil {
		logger.Printf("-faults: %v", err)
		return 2
	}

	p := &persister{path: c.state, logger: logger}
	var saved []byte
	adminKey := c.adminKey
	if c.state != "" {
		var savedKey string
		if saved, savedKey, err = readState(c.state); err != nil {
			logger.Print(err)
			return 1
		}
		if adminKey == "" {
			adminKey = savedKey // the same key as before the restart
		}
	}
	opts := fakemisp.Options{AdminKey: adminKey, DisableControlAPI: c.noControl, Seed: c.seed, OnChange: p.save,
		FailEmail: c.failEmail}
	if !c.quiet {
		opts.Logf = func(format string, args ...any) { logger.Printf(format, args...) }
	}
	srv := fakemisp.New(opts)
	p.srv = srv
	if c.state != "" {
		if err := p.load(saved); err != nil {
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

// stateKeyField is the member of the -state file, beside the emulator's snapshot, that keeps the admin key (the
// snapshot itself holds only hashes of keys), so that a restart without -admin-key serves the same key.
const stateKeyField = "mispfake_admin_key"

// readState reads the -state file: its contents (nil when it does not exist yet) and the admin key saved in it
// ("" if none). An unreadable file, or one that is not JSON, is an error.
func readState(path string) ([]byte, string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("state file %s: %w", path, err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, "", fmt.Errorf("state file %s is not a mispfake state (refusing to replace it): %w", path, err)
	}
	var key string
	if raw, ok := doc[stateKeyField]; ok {
		if err := json.Unmarshal(raw, &key); err != nil || !validKey(key) {
			return nil, "", fmt.Errorf("state file %s: %s is not a 40-character key (refusing to replace it)", path, stateKeyField)
		}
	}
	return data, key, nil
}

// load restores the state file's contents (if the file existed), then writes the file.
func (p *persister) load(data []byte) error {
	if data != nil {
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
	snap, err := p.srv.Snapshot()
	if err != nil {
		return fmt.Errorf("state file %s: %w", p.path, err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(snap, &doc); err != nil {
		return fmt.Errorf("state file %s: %w", p.path, err)
	}
	if doc[stateKeyField], err = json.Marshal(p.srv.AdminKey()); err != nil {
		return fmt.Errorf("state file %s: %w", p.path, err)
	}
	data, err := json.MarshalIndent(doc, "", "  ")
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
