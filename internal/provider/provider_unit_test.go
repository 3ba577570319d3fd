package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// configureDirect runs the provider's Configure on the given attributes with a TRACE logger that
// captures everything the provider logs.
func configureDirect(t *testing.T, attrs map[string]tftypes.Value) (*provider.ConfigureResponse, string) {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	objType, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object type")
	}
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(typ, nil)
		}
	}
	var logs bytes.Buffer
	ctx = tflogtest.RootLogger(ctx, &logs)
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{
		Schema: sresp.Schema,
		Raw:    tftypes.NewValue(objType, vals),
	}}, resp)
	return resp, logs.String()
}

func diagText(resp *provider.ConfigureResponse) string {
	var b strings.Builder
	for _, d := range resp.Diagnostics {
		b.WriteString(d.Summary())
		b.WriteString(": ")
		b.WriteString(d.Detail())
		b.WriteString("\n")
	}
	return b.String()
}

func TestConfigure_wrongKeyNeverEchoed(t *testing.T) {
	clearProviderEnv(t)
	_, srv := startFake(t, testAdminKey)
	resp, logs := configureDirect(t, map[string]tftypes.Value{
		"url":     tftypes.NewValue(tftypes.String, srv.URL),
		"api_key": tftypes.NewValue(tftypes.String, otherKey),
	})
	text := diagText(resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(text, "MISP rejected the API key") {
		t.Fatalf("expected an authentication diagnostic, got:\n%s", text)
	}
	if !strings.Contains(text, "perm_auth") || !strings.Contains(text, "attribute") {
		t.Errorf("the diagnostic should explain the likely causes and where the key came from:\n%s", text)
	}
	if strings.Contains(text, otherKey) || strings.Contains(logs, otherKey) {
		t.Fatal("the wrong API key appears in a diagnostic or in the TRACE log")
	}
	if !strings.Contains(logs, "/servers/getVersion") {
		t.Errorf("expected the request to be logged (method, path, status), got logs:\n%s", logs)
	}
}

func TestConfigure_successLogsVersionAndRole(t *testing.T) {
	clearProviderEnv(t)
	_, srv := startFake(t, testAdminKey)
	resp, logs := configureDirect(t, map[string]tftypes.Value{
		"url":     tftypes.NewValue(tftypes.String, srv.URL),
		"api_key": tftypes.NewValue(tftypes.String, testAdminKey),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("unexpected diagnostics:\n%s", diagText(resp))
	}
	pd, ok := resp.ResourceData.(*providerData)
	if !ok || pd.client == nil || pd.me == nil {
		t.Fatalf("Configure did not hand a configured client to resources: %#v", resp.ResourceData)
	}
	if pd.mispVersion != "2.5.1" {
		t.Errorf("MISP version = %q, want 2.5.1", pd.mispVersion)
	}
	for _, want := range []string{"Connected to MISP", `"misp_version":"2.5.1"`, `"role":"admin"`, `"status":200`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, testAdminKey) {
		t.Fatal("the API key appears in the TRACE log")
	}
}

func TestConfigure_malformedKeyNeverEchoed(t *testing.T) {
	clearProviderEnv(t)
	const secret = "ThisIsASecretButMalformedKey"
	resp, logs := configureDirect(t, map[string]tftypes.Value{
		"url":     tftypes.NewValue(tftypes.String, "https://misp.example.org"),
		"api_key": tftypes.NewValue(tftypes.String, secret),
	})
	text := diagText(resp)
	if !strings.Contains(text, "Malformed MISP API key") {
		t.Fatalf("expected a malformed-key diagnostic, got:\n%s", text)
	}
	if strings.Contains(text, secret) || strings.Contains(logs, secret) {
		t.Fatal("the malformed key is echoed")
	}
}

func TestConfigure_unknownValues(t *testing.T) {
	clearProviderEnv(t)
	resp, _ := configureDirect(t, map[string]tftypes.Value{
		"url":     tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"api_key": tftypes.NewValue(tftypes.String, testAdminKey),
	})
	if text := diagText(resp); !strings.Contains(text, "Unknown MISP provider url") || !strings.Contains(text, "MISP_URL") {
		t.Fatalf("expected an unknown-url diagnostic naming MISP_URL, got:\n%s", text)
	}
}

func TestConfigure_invalidInsecureEnv(t *testing.T) {
	clearProviderEnv(t)
	t.Setenv(envInsecure, "maybe")
	resp, _ := configureDirect(t, map[string]tftypes.Value{
		"url":     tftypes.NewValue(tftypes.String, "https://misp.example.org"),
		"api_key": tftypes.NewValue(tftypes.String, testAdminKey),
	})
	if text := diagText(resp); !strings.Contains(text, "Invalid value for insecure") || !strings.Contains(text, envInsecure) {
		t.Fatalf("expected an insecure diagnostic naming %s, got:\n%s", envInsecure, text)
	}
}

func TestConfigure_profileWithoutFile(t *testing.T) {
	clearProviderEnv(t)
	resp, _ := configureDirect(t, map[string]tftypes.Value{
		"profile": tftypes.NewValue(tftypes.String, "analysts"),
	})
	if text := diagText(resp); !strings.Contains(text, "MISP profile without a configuration file") {
		t.Fatalf("got:\n%s", text)
	}
}
