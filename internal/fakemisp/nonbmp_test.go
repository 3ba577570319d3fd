package fakemisp_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// TestNonBMPText: a 4-byte UTF-8 character (an emoji) in an organisation, role or user write makes MISP 2.5.1
// answer a bare 500 (its utf8mb3 columns cannot hold it); nothing is created.
func TestNonBMPText(t *testing.T) {
	for _, tc := range []struct{ path, body string }{
		{"/admin/organisations/add", "{\"name\":\"emoji-\U0001F600\"}"},
		{"/admin/organisations/add", `{"name":"plain","description":"hi \ud83d\ude00"}`}, // a JSON surrogate pair
		{"/admin/roles/add", "{\"name\":\"emoji-\U0001F600\"}"},
		{"/admin/users/add", "{\"email\":\"emoji@example.org\",\"external_auth_key\":\"\U0001F600\"}"},
	} {
		s := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 1})
		before := len(s.Organisations()) + len(s.Roles()) + len(s.Users())
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", testAdminKey)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "An Internal Error Has Occurred.") {
			t.Errorf("%s %s: %d %s, want MISP's bare 500", tc.path, tc.body, w.Code, w.Body.String())
		}
		if after := len(s.Organisations()) + len(s.Roles()) + len(s.Users()); after != before {
			t.Errorf("%s: %d objects after a refused write, want %d", tc.path, after, before)
		}
	}
}
