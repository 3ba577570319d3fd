package fakemisp

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Confirmation pages. A delete endpoint asked with another method than POST (or DELETE) renders its HTML
// confirmation dialog, and MISP sends it as it is, with status 200 and the JSON content type of the REST request.

const modalHeader = `<div id="genericModal" class="modal hide fade" tabindex="-1" role="dialog" aria-labelledby="genericModalLabel" aria-hidden="true">
    <div class="modal-header">
        <button type="button" class="close" data-dismiss="modal" aria-hidden="true">
            <span aria-hidden="true">&times;</span>
        </button>
        <h3 id="genericModalLabel">%s</h3>
    </div>
`

const cancelButton = `<button type="button" class="btn btn-secondary cancel-button" data-dismiss="modal">Cancel</button>`

// confirmPage is app/View/genericTemplates/confirm.ctp (UsersController::admin_delete, ::totp_delete).
func (s *Server) confirmPage(r *http.Request, title, question string) *response {
	var b strings.Builder
	fmt.Fprintf(&b, modalHeader, escapeH(title))
	fmt.Fprintf(&b, "    <div class=\"modal-body modal-body-long\">\n        <p>%s</p>\n    </div>\n", escapeH(question))
	fmt.Fprintf(&b, "    <div class=\"modal-footer\">\n        %s        %s\n    </div>\n</div>\n", s.postLink(r, "Delete"), cancelButton)
	return &response{status: http.StatusOK, contentType: jsonContentType, body: []byte(b.String())}
}

// crudDeletePage is app/View/genericTemplates/delete.ctp without a validation error (CRUDComponent::delete).
func (s *Server) crudDeletePage(r *http.Request, title string, id int64) *response {
	var b strings.Builder
	fmt.Fprintf(&b, modalHeader, escapeH("Delete "+title))
	fmt.Fprintf(&b, "        <div class=\"modal-body modal-body-long\">\n        <p>%s</p>\n    </div>\n",
		escapeH(fmt.Sprintf("Are you sure you want to delete %s #%d?", title, id)))
	fmt.Fprintf(&b, "    <div class=\"modal-footer\">\n        %s        %s\n    </div>\n    </div>", s.postLink(r, "Delete"), cancelButton)
	return &response{status: http.StatusOK, contentType: jsonContentType, body: []byte(b.String())}
}

// postLink is FormHelper::postLink to CakeRequest::here() (path and query). The form name is uniqid('post_',
// true) without its dot: seconds and microseconds in hex, then PHP's lcg_value digits (random here). Callers hold
// s.mu.
func (s *Server) postLink(r *http.Request, label string) string {
	now := s.now()
	name := fmt.Sprintf("post_%08x%05x%d%08d", now.Unix(), now.Nanosecond()/1000, s.rng.IntN(10), s.rng.IntN(100000000))
	action := escapeH(requestHere(r) + queryString(r))
	return fmt.Sprintf(`<form action="%s" name="%s" id="%s" style="display:none;" method="post">`+
		`<input type="hidden" name="_method" value="POST"/></form>`+
		`<a href="#" class="btn btn-primary" onclick="document.%s.submit(); event.returnValue = false; return false;">%s</a>`,
		action, name, name, name, escapeH(label))
}

// queryString is "?" and the query re-encoded as http_build_query does (order kept), or "" without one.
func queryString(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	var parts []string
	for _, p := range strings.Split(r.URL.RawQuery, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		ku, err1 := url.QueryUnescape(k)
		vu, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			ku, vu = k, v
		}
		parts = append(parts, url.QueryEscape(ku)+"="+url.QueryEscape(vu))
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}
