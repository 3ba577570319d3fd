package fakemisp

import (
	"bytes"
	"crypto/sha1" //nolint:gosec // MISP's ETag is a SHA-1 of the body (RestResponseComponent::prepareResponse).
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kv is one member of an ordered JSON object; obj keeps MISP's column order in responses.
type kv struct {
	k string
	v any
}

type obj []kv

func (o obj) get(k string) (any, bool) {
	for _, e := range o {
		if e.k == k {
			return e.v, true
		}
	}
	return nil, false
}

func (o *obj) set(k string, v any) {
	for i := range *o {
		if (*o)[i].k == k {
			(*o)[i].v = v
			return
		}
	}
	*o = append(*o, kv{k, v})
}

func (o *obj) del(k string) {
	for i := range *o {
		if (*o)[i].k == k {
			*o = append((*o)[:i], (*o)[i+1:]...)
			return
		}
	}
}

// MarshalJSON lets obj values nest inside values handed to encoding/json (the control API uses that).
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	writeJSON(&b, o, false)
	return b.Bytes(), nil
}

// toMap converts an ordered object (recursively) into plain Go maps for the Go API.
func toPlain(v any) any {
	switch t := v.(type) {
	case obj:
		m := make(map[string]any, len(t))
		for _, e := range t {
			m[e.k] = toPlain(e.v)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = toPlain(e)
		}
		return out
	}
	return v
}

// writeJSON encodes v like PHP's json_encode with JSON_UNESCAPED_UNICODE (slashes escaped only when escSlash).
func writeJSON(b *bytes.Buffer, v any, escSlash bool) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		writeString(b, t, escSlash)
	case int:
		b.WriteString(strconv.Itoa(t))
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case float64:
		b.WriteString(strconv.FormatFloat(t, 'f', -1, 64))
	case json.Number:
		b.WriteString(t.String())
	case obj:
		if len(t) == 0 {
			// PHP encodes an empty array as [] (e.g. "UserSetting": [] and "orgAdmins": []).
			b.WriteString("[]")
			return
		}
		b.WriteByte('{')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, e.k, escSlash)
			b.WriteByte(':')
			writeJSON(b, e.v, escSlash)
		}
		b.WriteByte('}')
	case []any:
		writeList(b, t, func(e any) { writeJSON(b, e, escSlash) })
	case []string:
		writeList(b, t, func(e string) { writeString(b, e, escSlash) })
	case map[string]any:
		// Only produced by request echoes; encoding/json sorts keys.
		raw, err := json.Marshal(t)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(raw)
	default:
		raw, err := json.Marshal(t)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(raw)
	}
}

const hexDigits = "0123456789abcdef"

// writeList writes a JSON array, each element by write.
func writeList[T any](b *bytes.Buffer, list []T, write func(T)) {
	b.WriteByte('[')
	for i, e := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		write(e)
	}
	b.WriteByte(']')
}

func writeString(b *bytes.Buffer, s string, escSlash bool) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		// Copy runs of bytes that need no escaping in one go.
		j := i
		for j < len(s) && s[j] >= 0x20 && s[j] < utf8.RuneSelf && s[j] != '"' && s[j] != '\\' && (s[j] != '/' || !escSlash) {
			j++
		}
		if j > i {
			b.WriteString(s[i:j])
			i = j
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b.WriteString(`\"`)
			case c == '\\':
				b.WriteString(`\\`)
			case c == '/' && escSlash:
				b.WriteString(`\/`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\f':
				b.WriteString(`\f`)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// response is a fully buffered answer; handlers build one and the middleware writes it (or drops it, for faults).
type response struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

func (r *response) setHeader(k, v string) {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(k, v)
}

// isAutomaticTool mirrors RestResponseComponent::isAutomaticTool: no pretty printing for PyMISP, MISP or AJAX.
func isAutomaticTool(r *http.Request) bool {
	if r.Header.Get("X-Requested-With") == "XMLHttpRequest" {
		return true
	}
	ua := r.Header.Get("User-Agent")
	return strings.HasPrefix(ua, "PyMISP") || strings.HasPrefix(ua, "MISP")
}

// prepare is RestResponseComponent::prepareResponse for JSON: pretty printing, and the If-None-Match/ETag check.
func prepare(r *http.Request, status int, v any) *response {
	var b bytes.Buffer
	writeJSON(&b, v, false)
	body := b.Bytes()
	if !isAutomaticTool(r) {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, body, "", "    "); err == nil {
			body = pretty.Bytes()
		}
	}
	resp := &response{status: status, contentType: jsonContentType, body: body}
	if inm, ok := r.Header["If-None-Match"]; ok && len(inm) > 0 {
		sum := sha1.Sum(body) //nolint:gosec // see import comment.
		etag := `"` + hex.EncodeToString(sum[:]) + `"`
		if requestEtag(inm[0]) == etag {
			return &response{status: http.StatusNotModified}
		}
		resp.setHeader("ETag", etag)
	}
	return resp
}

// requestEtag strips the "-gzip"/"-br" marks Apache adds to compressed ETags.
func requestEtag(v string) string {
	trimmed := strings.Trim(v, `"`)
	if i := strings.LastIndex(trimmed, "-"); i > 0 {
		if suffix := trimmed[i+1:]; suffix == "gzip" || suffix == "br" {
			return `"` + trimmed[:i] + `"`
		}
	}
	return v
}

// internalErrorMessage replaces every 5xx message in production (debug = 0).
const internalErrorMessage = "An Internal Error Has Occurred."

// exception renders a CakePHP exception as JSON (ExceptionRenderer + JsonView): {"name","message","url"}, compact,
// slashes escaped, the message HTML-escaped with h(), and 5xx messages replaced.
func exception(r *http.Request, status int, msg string) *response {
	if status >= 500 {
		msg = internalErrorMessage
	}
	m := escapeH(msg)
	body := obj{{"name", m}, {"message", m}, {"url", escapeH(requestHere(r))}}
	var b bytes.Buffer
	writeJSON(&b, body, true)
	return &response{status: status, contentType: jsonContentType, body: b.Bytes()}
}

// escapeH is CakePHP's h(): htmlspecialchars with ENT_QUOTES.
func escapeH(s string) string {
	s = html.EscapeString(s) // escapes & < > " and ' (as &#39;)
	return strings.ReplaceAll(s, "&#39;", "&#039;")
}

// requestHere is CakeRequest::$here: the raw request path without the query string.
func requestHere(r *http.Request) string {
	return r.URL.EscapedPath()
}

// adminURL builds RestResponseComponent::__generateURL.
func genURL(admin bool, controller, action, id string) string {
	u := "/" + controller + "/" + action
	if admin {
		u = "/admin" + u
	}
	if id != "" {
		u += "/" + id
	}
	return u
}

// saveSuccess is RestResponseComponent::saveSuccessResponse. id is omitted from the body when empty; idValue lets
// the role delete send a JSON number.
func saveSuccess(r *http.Request, url, msg string, idValue any) *response {
	body := obj{{"saved", true}, {"success", true}, {"name", msg}, {"message", msg}, {"url", url}}
	if truthyID(idValue) {
		body = append(body, kv{"id", idValue})
	}
	return prepare(r, http.StatusOK, body)
}

// saveFail is RestResponseComponent::saveFailResponse: always HTTP 403.
func saveFail(r *http.Request, name, url string, errs any, idValue any) *response {
	body := obj{{"saved", false}, {"name", name}, {"message", name}, {"url", url}, {"errors", errs}}
	if truthyID(idValue) {
		body = append(body, kv{"id", idValue})
	}
	return prepare(r, http.StatusForbidden, body)
}

func truthyID(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case string:
		return !phpEmpty(t)
	case int64:
		return t != 0
	case int:
		return t != 0
	}
	return true
}

// describe is RestResponseComponent::describe.
func describe(r *http.Request, admin bool, controller, action, description string, mandatory, optional []string) *response {
	url := genURL(admin, controller, action, "")
	if description == "" {
		description = "This API is not accessible via GET requests."
	}
	body := obj{{"name", url + " API description"}, {"description", description}}
	if mandatory != nil {
		body = append(body, kv{"mandatory_fields", mandatory})
	}
	if optional != nil {
		body = append(body, kv{"optional_fields", optional})
	}
	body = append(body, kv{"url", url})
	return prepare(r, http.StatusOK, body)
}

// jsonContentType is what CakeResponse sends for the json type (it appends the charset).
const jsonContentType = "application/json; charset=UTF-8"
