package fakemisp

import (
	"net/http"
	"strconv"
)

// confirmFragment is what MISP renders for a GET on an endpoint that asks for confirmation
// (View/genericTemplates/confirm.ctp): an HTML modal whose form POSTs back to the same URL. MISP serves it with
// status 200 and the JSON content type of the request's view class, so a REST client gets HTML it cannot
// decode. The form name is random, like CakePHP's FormHelper::postLink (uniqid with more entropy).
func (s *Server) confirmFragment(r *http.Request, title, question string) *response {
	form := "post_" + randString(s.rng, 13, "0123456789abcdef") + strconv.Itoa(10000000+s.rng.IntN(90000000))
	body := `<div id="genericModal" class="modal hide fade" tabindex="-1" role="dialog" aria-labelledby="genericModalLabel" aria-hidden="true">
    <div class="modal-header">
        <button type="button" class="close" data-dismiss="modal" aria-hidden="true">
            <span aria-hidden="true">&times;</span>
        </button>
        <h3 id="genericModalLabel">` + escapeH(title) + `</h3>
    </div>
    <div class="modal-body modal-body-long">
        <p>` + escapeH(question) + `</p>
    </div>
    <div class="modal-footer">
        <form action="` + escapeH(requestHere(r)) + `" name="` + form + `" id="` + form +
		`" style="display:none;" method="post"><input type="hidden" name="_method" value="POST"/></form><a href="#" class="btn btn-primary" onclick="document.` +
		form + `.submit(); event.returnValue = false; return false;">Delete</a>        <button type="button" class="btn btn-secondary cancel-button" data-dismiss="modal">Cancel</button>
    </div>
</div>
`
	return &response{status: http.StatusOK, contentType: jsonContentType, body: []byte(body)}
}
