package misp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Version is the answer of GET /servers/getVersion (a bare object).
type Version struct {
	Version                  string     `json:"version"`
	PyMISPRecommendedVersion string     `json:"pymisp_recommended_version"`
	PermSync                 Bool       `json:"perm_sync"`
	PermSighting             Bool       `json:"perm_sighting"`
	PermGalaxyEditor         Bool       `json:"perm_galaxy_editor"`
	PermAnalystData          Bool       `json:"perm_analyst_data"`
	UUID                     string     `json:"uuid"`
	RequestEncoding          StringList `json:"request_encoding"`
	FilterSightings          Bool       `json:"filter_sightings"`
}

// GetVersion reads MISP's version and the caller's sync-related role flags
// (GET /servers/getVersion). It is the cheapest authenticated call, suited to
// checking the URL and the key.
func (c *Client) GetVersion(ctx context.Context) (*Version, error) {
	data, err := c.do(ctx, request{method: http.MethodGet, path: "/servers/getVersion"})
	if err != nil {
		return nil, fmt.Errorf("read MISP version: %w", err)
	}
	var v Version
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("read MISP version: decode answer (%d bytes): %w", len(data), err)
	}
	if v.Version == "" {
		return nil, errors.New("read MISP version: the answer holds no version; check that the URL points at MISP")
	}
	return &v, nil
}
