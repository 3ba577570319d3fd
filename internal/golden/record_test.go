//go:build golden

package golden_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/golden"
)

// TestRecordGolden records every scenario against the MISP at MISP_URL (key MISP_KEY, a site admin) and
// writes testdata/<scenario>.json. Run it through `make golden`. It creates and deletes users, organisations,
// roles and sharing groups whose names start with golden-<run tag>, sets the default role and puts it back; whatever a
// failed run leaves behind is swept at the end.
func TestRecordGolden(t *testing.T) {
	url, key := os.Getenv("MISP_URL"), os.Getenv("MISP_KEY")
	if url == "" || key == "" {
		t.Fatal("MISP_URL and MISP_KEY (a site admin's API key) must name the MISP to record from; " +
			"it must be a disposable instance: objects are created and deleted there")
	}
	ctx := t.Context()
	base := golden.NewRunner(url, key)
	run := base.Vars[golden.VarRun]
	t.Logf("recording from %s; objects are named golden-%s…", url, run)

	version := probe(ctx, t, base)
	defaultRole := currentDefaultRole(ctx, t, base)
	t.Cleanup(func() { sweep(t, base, defaultRole) })

	var written []string
	for _, sc := range scenarios() {
		r := golden.NewRunner(url, key)
		for _, v := range []string{golden.VarRun, golden.VarPassword, golden.VarPasswordNew} {
			r.Vars[v] = base.Vars[v]
		}
		r.Preserve = golden.PreserveFrom(sc.steps)
		f := &golden.File{Scenario: sc.name, Description: sc.desc, MISPVersion: version}
		for i := range sc.steps {
			st := sc.steps[i]
			resp, err := r.Run(ctx, &st)
			if err != nil {
				t.Fatalf("scenario %s: %v", sc.name, err)
			}
			st.Response = *resp
			f.Steps = append(f.Steps, st)
			t.Logf("%s/%s: %s %s -> %d", sc.name, st.Name, st.Request.Method, st.Request.Path, resp.Status)
		}
		f.IDs = r.IDs
		data, err := f.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if err := r.CheckNoSecrets(data); err != nil {
			t.Fatalf("scenario %s: %v", sc.name, err)
		}
		name := filepath.Join(golden.Dir, sc.name+".json")
		if err := os.WriteFile(name, data, 0o644); err != nil { //nolint:gosec // reviewable test data, not secret
			t.Fatal(err)
		}
		written = append(written, name)
	}
	removeStale(t, written)
}

// probe checks the URL and key, and returns MISP's version.
func probe(ctx context.Context, t *testing.T, r *golden.Runner) string {
	t.Helper()
	ans, err := r.Send(ctx, golden.Request{Method: "GET", Path: "/servers/getVersion", Auth: "admin"})
	if err != nil {
		t.Fatalf("MISP at %s does not answer: %v", r.BaseURL, err)
	}
	var v struct {
		Version string `json:"version"`
	}
	if ans.Status != 200 || json.Unmarshal(ans.Body, &v) != nil || v.Version == "" {
		t.Fatalf("servers/getVersion answered HTTP %d: check MISP_URL and MISP_KEY", ans.Status)
	}
	me, err := r.Send(ctx, golden.Request{Method: "GET", Path: "/users/view/me", Auth: "admin"})
	if err != nil || me.Status != 200 {
		t.Fatalf("users/view/me failed: %v", err)
	}
	var view struct {
		Role struct {
			PermSiteAdmin bool `json:"perm_site_admin"`
		} `json:"Role"`
	}
	if json.Unmarshal(me.Body, &view) != nil || !view.Role.PermSiteAdmin {
		t.Fatal("MISP_KEY must be a site admin's key")
	}
	return v.Version
}

func currentDefaultRole(ctx context.Context, t *testing.T, r *golden.Runner) string {
	t.Helper()
	ans, err := r.Send(ctx, golden.Request{Method: "GET", Path: "/roles/index", Auth: "admin"})
	if err != nil || ans.Status != 200 {
		t.Fatalf("roles/index failed: %v", err)
	}
	var roles []struct {
		Role struct {
			ID      string `json:"id"`
			Default bool   `json:"default"`
		} `json:"Role"`
	}
	if err := json.Unmarshal(ans.Body, &roles); err != nil {
		t.Fatalf("roles/index: %v", err)
	}
	for _, x := range roles {
		if x.Role.Default {
			return x.Role.ID
		}
	}
	return ""
}

// sweep deletes whatever this run left behind (sharing groups and users first, then roles and organisations) and
// restores the default role.
func sweep(t *testing.T, r *golden.Runner, defaultRole string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	prefix := "golden-" + r.Vars[golden.VarRun]
	list := func(path, wrapper string) []string {
		ans, err := r.Send(ctx, golden.Request{Method: "GET", Path: path, Auth: "admin"})
		if err != nil || ans.Status != 200 {
			t.Errorf("sweep: %s: %v", path, err)
			return nil
		}
		var items []map[string]struct {
			ID          string `json:"id"`
			Name        string `json:"name"`
			Email       string `json:"email"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal(ans.Body, &items); err != nil {
			t.Errorf("sweep: %s: %v", path, err)
			return nil
		}
		var ids []string
		for _, it := range items {
			o := it[wrapper]
			// The quirks scenario's organisation without a name has the prefix in its description.
			if strings.HasPrefix(strings.ToLower(o.Email), prefix) || strings.HasPrefix(o.Name, prefix) ||
				strings.HasPrefix(o.Description, prefix) {
				ids = append(ids, o.ID)
			}
		}
		return ids
	}
	del := func(path string) {
		ans, err := r.Send(ctx, golden.Request{Method: "POST", Path: path, Auth: "admin"})
		if err != nil {
			t.Errorf("sweep: %s: %v", path, err)
			return
		}
		t.Logf("sweep: %s -> %d", path, ans.Status)
	}
	if defaultRole != "" {
		del("/admin/roles/set_default/" + defaultRole)
	}
	for _, index := range []string{"/sharing_groups/index", "/sharing_groups/index/true"} {
		ans, err := r.Send(ctx, golden.Request{Method: "GET", Path: index, Auth: "admin"})
		if err != nil || ans.Status != 200 {
			t.Errorf("sweep: %s: %v", index, err)
			continue
		}
		var groups struct {
			Response []struct {
				SharingGroup struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"SharingGroup"`
			} `json:"response"`
		}
		if err := json.Unmarshal(ans.Body, &groups); err != nil {
			t.Errorf("sweep: %s: %v", index, err)
			continue
		}
		for _, g := range groups.Response {
			if strings.HasPrefix(g.SharingGroup.Name, prefix) {
				del("/sharing_groups/delete/" + g.SharingGroup.ID)
			}
		}
	}
	for _, id := range list("/admin/users/index/searchemail:"+prefix, "User") {
		del("/admin/users/delete/" + id)
	}
	for _, id := range list("/roles/index/name:"+prefix+"%25", "Role") {
		del("/admin/roles/delete/" + id)
	}
	for _, id := range list("/organisations/index/scope:all/searchall:"+prefix, "Organisation") {
		del("/admin/organisations/delete/" + id)
	}
}

// removeStale deletes recordings of scenarios that no longer exist.
func removeStale(t *testing.T, written []string) {
	keep := map[string]bool{}
	for _, w := range written {
		keep[w] = true
	}
	old, err := filepath.Glob(filepath.Join(golden.Dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range old {
		if !keep[o] {
			if err := os.Remove(o); err != nil {
				t.Error(err)
			}
			fmt.Fprintf(os.Stderr, "removed stale recording %s\n", o)
		}
	}
}
