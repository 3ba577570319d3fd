package misp

import "strings"

// minSecretLen is the shortest secret scrubbed from error text; shorter
// strings would mangle ordinary words.
const minSecretLen = 4

// scrub removes the API key and the given secrets from s.
func (c *Client) scrub(s string, secrets []string) string {
	for _, secret := range append([]string{c.apiKey}, secrets...) {
		if len(secret) >= minSecretLen {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

func (c *Client) scrubAPIError(e *APIError, secrets []string) *APIError {
	e.Name = c.scrub(e.Name, secrets)
	e.Message = c.scrub(e.Message, secrets)
	e.URL = c.scrub(e.URL, secrets)
	e.Body = c.scrub(e.Body, secrets)
	if len(e.Errors) > 0 {
		clean := make(map[string][]string, len(e.Errors))
		for k, msgs := range e.Errors {
			out := make([]string, len(msgs))
			for i, m := range msgs {
				out[i] = c.scrub(m, secrets)
			}
			clean[c.scrub(k, secrets)] = out
		}
		e.Errors = clean
	}
	return e
}
