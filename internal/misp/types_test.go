package misp_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

func TestLenientTypes(t *testing.T) {
	t.Parallel()
	type doc struct {
		ID   misp.ID         `json:"id"`
		S    misp.String     `json:"s"`
		B    misp.Bool       `json:"b"`
		N    misp.Int64      `json:"n"`
		L    misp.StringList `json:"l"`
		M    misp.StringMap  `json:"m"`
		Sets misp.Settings   `json:"sets"`
	}
	ok := []struct {
		in   string
		want doc
	}{
		{`{"id":"12","s":"x","b":true,"n":"42","l":["a","b"],"m":{"1":"a@b"},"sets":{"k":1}}`,
			doc{ID: "12", S: "x", B: true, N: 42, L: misp.StringList{"a", "b"}, M: misp.StringMap{"1": "a@b"}, Sets: misp.Settings{"k": json.RawMessage("1")}}},
		{`{"id":12,"s":300,"b":1,"n":42,"l":[],"m":[],"sets":[]}`,
			doc{ID: "12", S: "300", B: true, N: 42, L: misp.StringList{}, M: misp.StringMap{}, Sets: misp.Settings{}}},
		{`{"id":null,"s":null,"b":null,"n":null,"l":null,"m":null,"sets":null}`,
			doc{M: misp.StringMap{}, Sets: misp.Settings{}}},
		{`{"b":"1","n":""}`, doc{B: true}},
		{`{"b":"0","n":"1.0e3"}`, doc{N: 1000}},
		{`{"b":"true"}`, doc{B: true}},
		{`{"b":"false"}`, doc{}},
		{`{"b":0}`, doc{}},
		{`{"b":2}`, doc{B: true}},
		{`{"b":""}`, doc{}},
		{`{"s":true}`, doc{S: "1"}},
		{`{"n":true}`, doc{N: 1}},
		{`{"l":"a.example\n\nb.example"}`, doc{L: misp.StringList{"a.example", "b.example"}}},
		{`{"l":[1,"x",true]}`, doc{L: misp.StringList{"1", "x", "1"}}},
		{`{"m":{"a":1,"b":{"x":1}}}`, doc{M: misp.StringMap{"a": "1", "b": `{"x":1}`}}},
		{`{"id":"0012"}`, doc{ID: "0012"}},
	}
	for _, tc := range ok {
		var got doc
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{
		`{"id":{}}`, `{"id":[1]}`, `{"s":{}}`, `{"b":"yes"}`, `{"b":[]}`, `{"n":"abc"}`, `{"n":{}}`,
		`{"l":{}}`, `{"l":[{}]}`, `{"m":"x"}`, `{"sets":1}`, `{"l":"\u12"}`,
	} {
		var got doc
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("%s: no error, got %+v", in, got)
		}
	}
	if misp.ID("7").String() != "7" {
		t.Error("ID.String")
	}
}

// TestLenientEncoding checks that decoded values encode as MISP expects
// them back (ids as strings, flags as booleans, counters as numbers).
func TestLenientEncoding(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		ID misp.ID    `json:"id"`
		B  misp.Bool  `json:"b"`
		N  misp.Int64 `json:"n"`
	}{"5", true, 7})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"id":"5","b":true,"n":7}` {
		t.Errorf("encoded %s", b)
	}
}
