package misp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
)

// envelope is the union of MISP's success, failure and exception envelopes.
type envelope struct {
	Saved   *Bool           `json:"saved"`
	Success json.RawMessage `json:"success"`
	Name    string          `json:"name"`
	Message string          `json:"message"`
	URL     string          `json:"url"`
	Errors  json.RawMessage `json:"errors"`
	ID      ID              `json:"id"`
}

// apiError builds an *APIError from an envelope.
func (env *envelope) apiError(status int) *APIError {
	return &APIError{
		StatusCode: status,
		Name:       html.UnescapeString(env.Name),
		Message:    html.UnescapeString(env.Message),
		URL:        env.URL,
		Errors:     normaliseErrors(env.Errors),
	}
}

// normaliseErrors turns every shape of MISP's "errors" value into field ->
// messages: {"f": ["m"]}, {"f": "m"}, ["m"], "m", [] and nested objects
// (flattened as "outer.inner").
func normaliseErrors(raw json.RawMessage) map[string][]string {
	out := map[string][]string{}
	collectErrors(out, "", raw)
	if len(out) == 0 {
		return nil
	}
	return out
}

func collectErrors(out map[string][]string, key string, raw json.RawMessage) {
	trimmed := strings.TrimSpace(string(raw))
	if trimmed == "" || trimmed == "null" {
		return
	}
	switch trimmed[0] {
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			out[key] = append(out[key], trimmed)
			return
		}
		for k, v := range obj {
			if key != "" {
				k = key + "." + k
			}
			collectErrors(out, k, v)
		}
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			out[key] = append(out[key], trimmed)
			return
		}
		for _, item := range list {
			collectErrors(out, key, item)
		}
	default:
		s, err := scalarString(raw)
		if err != nil {
			s = trimmed
		}
		if s != "" {
			out[key] = append(out[key], html.UnescapeString(s))
		}
	}
}

// errorFromBody builds the error for a non-2xx, non-3xx answer.
func (c *Client) errorFromBody(status int, data []byte, secrets []string) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var env envelope
		if err := json.Unmarshal(trimmed, &env); err == nil {
			apiErr := c.scrubAPIError(env.apiError(status), secrets)
			if status == http.StatusForbidden {
				msg := apiErr.Message
				if msg == "" {
					msg = apiErr.Name
				}
				if strings.HasPrefix(msg, authFailedPrefix) {
					return &AuthenticationError{Disabled: strings.Contains(msg, "disabled"), API: apiErr}
				}
			}
			return apiErr
		}
	}
	if len(trimmed) > 0 && trimmed[0] == '[' && json.Valid(trimmed) {
		return c.scrubAPIError(&APIError{StatusCode: status, Errors: normaliseErrors(trimmed)}, secrets)
	}
	return c.scrubAPIError(&APIError{StatusCode: status, Body: quoteBody(data)}, secrets)
}

func looksLikeJSON(data []byte) bool {
	trimmed := bytes.TrimSpace(data)
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// quoteBody returns at most maxBodyQuote characters of a body, as valid UTF-8.
func quoteBody(data []byte) string {
	s := strings.ToValidUTF8(strings.TrimSpace(string(data)), "\uFFFD")
	if r := []rune(s); len(r) > maxBodyQuote {
		s = string(r[:maxBodyQuote])
	}
	return s
}

// decodeRecord unwraps {"<key>": {...}} into out.
func (c *Client) decodeRecord(data []byte, key string, out any, secrets []string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("decode MISP answer (%d bytes): %w", len(data), err)
	}
	raw, ok := m[key]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return c.missingRecordError(data, m, key, secrets)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode MISP %s: %w", key, err)
	}
	return nil
}

// missingRecordError explains a 2xx answer without the expected record.
func (c *Client) missingRecordError(data []byte, m map[string]json.RawMessage, key string, secrets []string) error {
	if _, ok := m["mandatory_fields"]; ok {
		return fmt.Errorf("MISP answered with the API description of the endpoint instead of a %s record; "+
			"it does this when a request arrives with the wrong HTTP method, and on user creation by an org admin "+
			"when the e-mail is outside the organisation's restricted domains", key)
	}
	if _, ok := m["errors"]; ok {
		var env envelope
		if json.Unmarshal(data, &env) == nil {
			return c.scrubAPIError(env.apiError(http.StatusOK), secrets)
		}
	}
	return fmt.Errorf("MISP answer holds no %s record", key)
}

// decodeAction checks a success envelope ({"saved": true, ...}); "saved":
// false is an *APIError.
func (c *Client) decodeAction(data []byte) error {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("decode MISP answer (%d bytes): %w", len(data), err)
	}
	if env.Saved != nil && !*env.Saved {
		return c.scrubAPIError(env.apiError(http.StatusOK), nil)
	}
	return nil
}

// decodeList unwraps [{"<key>": {...}}, ...].
func decodeList[T any](data []byte, key string) ([]T, error) {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("decode MISP list (%d bytes): %w", len(data), err)
	}
	out := make([]T, 0, len(items))
	for i, item := range items {
		var v T
		raw, ok := item[key]
		if !ok {
			return nil, fmt.Errorf("MISP list item %d holds no %s record", i, key)
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("decode MISP %s %d: %w", key, i, err)
		}
		out = append(out, v)
	}
	return out, nil
}
