package fakemisp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
)

// MISP's server settings (Server::serverSettings in app/Model/Server.php, stored in app/Config/config.php) that the
// emulator models. Every other setting keeps its config.default.php value and is unknown to serverSettingsEdit.

// settingDisableUserLoginChange: only site admins may change a user's e-mail address (§1.1.4, §1.1.6, §5.31).
const settingDisableUserLoginChange = "MISP.disable_user_login_change"

// settingTypes is each modelled setting's type ("boolean" for all so far, as in Server::serverSettings).
var settingTypes = map[string]string{
	settingDisableUserLoginChange: "boolean",
}

// settings is the value of each modelled setting that Options start with.
func (o Options) settings() map[string]any {
	return map[string]any{settingDisableUserLoginChange: o.DisableUserLoginChange}
}

// ErrUnknownSetting is returned for a server setting the emulator does not model.
var ErrUnknownSetting = errors.New("fakemisp: server setting not emulated")

// SetServerSetting changes a server setting, as a site admin does on MISP's server settings page: name is MISP's
// (e.g. "MISP.disable_user_login_change"), value a bool for a boolean setting. Reset goes back to the Options.
func (s *Server) SetServerSetting(name string, value any) error {
	typ, ok := settingTypes[name]
	if !ok {
		return fmt.Errorf("set server setting %q: %w", name, ErrUnknownSetting)
	}
	if _, isBool := value.(bool); typ == "boolean" && !isBool {
		return fmt.Errorf("set server setting %s: want a boolean, not %v", name, value)
	}
	s.mutate(func() bool {
		s.settings[name] = value
		return false // a setting, not stored data (not in Snapshot)
	})
	return nil
}

// ServerSetting returns the value of a modelled server setting.
func (s *Server) ServerSetting(name string) (any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.settings[name]
	return v, ok
}

// ServerSettings returns every modelled server setting by name.
func (s *Server) ServerSettings() map[string]any {
	return read(s, func() map[string]any {
		out := make(map[string]any, len(s.settings))
		for k, v := range s.settings {
			out[k] = v
		}
		return out
	})
}

// loginChangeAllowed is UsersController::__canChangeLogin: site admins always, others unless
// MISP.disable_user_login_change is set. Callers hold s.mu.
func (s *Server) loginChangeAllowed(c *caller) bool {
	disabled, _ := s.settings[settingDisableUserLoginChange].(bool)
	return c.siteAdmin() || !disabled
}

// controlSetSettings serves POST|PUT /_mispfake/settings {"MISP.disable_user_login_change": true, ...}: all or
// nothing.
func (s *Server) controlSetSettings(r *http.Request) (any, error) {
	var body map[string]any
	if err := decodeControl(r, &body); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(body))
	for name := range body {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if typ, ok := settingTypes[name]; !ok {
			return nil, cerr(http.StatusNotFound, "server setting %q is not emulated", name)
		} else if _, isBool := body[name].(bool); typ == "boolean" && !isBool {
			return nil, cerr(http.StatusBadRequest, "server setting %s: want true or false", name)
		}
	}
	for _, name := range names {
		if err := s.SetServerSetting(name, body[name]); err != nil {
			return nil, err
		}
	}
	return s.ServerSettings(), nil
}

const settingsEditURL = "/servers/serverSettingsEdit"

// serversSettingsEdit is ServersController::serverSettingsEdit's REST branch (§5.31) for the modelled settings:
// GET answers {name: value}; POST {"value": …} (or {"Server": {"value": …}}) sets it, converted as
// Server::serverSettingsEditValue does: trimmed as a string, then PHP's (bool) for a boolean, so "false" is true.
func (s *Server) serversSettingsEdit(c *reqCtx) *response {
	r := c.r
	name, ok := c.firstArg()
	if !ok {
		// The action's $settingName parameter is required: PHP's ArgumentCountError.
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	typ, known := settingTypes[name]
	if !known {
		return exception(r, http.StatusNotFound, "Setting "+name+" is invalid.")
	}
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		return prepare(r, http.StatusOK, obj{{name, s.settings[name]}})
	case !c.isPost():
		// Neither branch answers, and the action has no view to render (verified on MISP 2.5.1 for PUT, DELETE).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	const fail = "Could not serverSettingsEdit Server"
	d, ok := unwrap(c, "Server")
	v, isset := d["value"]
	if !ok || !isset || v == nil || !isScalar(v) {
		return saveFail(r, fail, settingsEditURL, `Invalid input. Expected: {"value": "new_setting"}`, nil)
	}
	str, _ := phpString(v)
	str = phpTrim(str)
	if str == "*****" {
		return saveFail(r, fail, settingsEditURL, "No change.", nil)
	}
	var value any = str
	if typ == "boolean" {
		value = !phpEmpty(str)
	}
	s.settings[name] = value
	return saveSuccess(r, settingsEditURL, "Field updated", nil)
}

// isScalar is PHP's is_scalar for a decoded JSON value.
func isScalar(v any) bool {
	switch v.(type) {
	case string, bool, json.Number, float64, int64, int:
		return true
	}
	return false
}
