package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

func TestParseBulk(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		ndjson  bool
		wantIDs []string // "!" suffix: the item failed
		wantErr engine.Code
		msg     string
	}{
		{name: "array", body: `[{"id":"a","title":"x"},{"id":"b","title":"y"}]`, wantIDs: []string{"a", "b"}},
		{name: "array with non-object", body: `[{"id":"a","title":"x"}, "str", null]`, wantIDs: []string{"a", "!", "!"}},
		{name: "array unknown field", body: `[{"id":"a","titel":"x"}]`, wantIDs: []string{"a!"}, msg: `unknown field "titel"`},
		{name: "array wrong type", body: `[{"id":"a","tags":"x"}]`, wantIDs: []string{"a!"}, msg: `"tags" must be an array`},
		{name: "array bad time", body: `[{"id":"a","created_at":"yesterday"}]`, wantIDs: []string{"a!"}, msg: "RFC 3339"},
		{name: "array trailing data", body: `[{"id":"a"}] x`, wantErr: engine.Invalid},
		{name: "array broken", body: `[{"id":"a"`, wantErr: engine.Invalid},
		{name: "not an array", body: `{"id":"a"}`, wantErr: engine.Invalid},
		{name: "empty body", body: ``, wantErr: engine.Invalid},
		{name: "ndjson", ndjson: true, body: "{\"id\":\"a\"}\r\n\n  \n{\"id\":\"b\"}", wantIDs: []string{"a", "b"}},
		{name: "ndjson two objects on a line", ndjson: true, body: `{"id":"a"} {"id":"b"}`, wantIDs: []string{"a!"}, msg: "after the JSON object"},
		{name: "ndjson malformed line", ndjson: true, body: "{\"id\":\"a\"}\n{\"id\":\"b\",\n{\"id\":\"c\"}", wantIDs: []string{"a", "b!", "c"}, msg: "malformed"},
		{name: "ndjson array line", ndjson: true, body: `[{"id":"a"}]`, wantIDs: []string{"!"}, msg: "JSON object"},
		{name: "ndjson empty", ndjson: true, body: "\n\n", wantIDs: nil},
		{name: "too many", body: `[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}]`, wantErr: engine.TooLarge},
		{name: "too many ndjson", ndjson: true, body: "{}\n{}\n{}\n{}", wantErr: engine.TooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, err := api.ParseBulk([]byte(tc.body), tc.ndjson, 3)
			if tc.wantErr != "" {
				if engine.ErrorCode(err) != tc.wantErr {
					t.Fatalf("err = %v, want code %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var msgs []string
			for _, it := range items {
				id := it.ID
				if it.Err != nil {
					id += "!"
					msgs = append(msgs, it.Err.Message)
				}
				got = append(got, id)
			}
			if strings.Join(got, ",") != strings.Join(tc.wantIDs, ",") {
				t.Errorf("items = %v, want %v (messages %q)", got, tc.wantIDs, msgs)
			}
			if tc.msg != "" && !strings.Contains(strings.Join(msgs, "|"), tc.msg) {
				t.Errorf("messages %q do not mention %q", msgs, tc.msg)
			}
		})
	}
}

func FuzzParseBulk(f *testing.F) {
	f.Add([]byte(`[{"id":"a","title":"제목","tags":["x"],"created_at":"2025-01-01T00:00:00Z","popularity":3}]`), false)
	f.Add([]byte("{\"id\":\"a\",\"title\":\"t\"}\n{\"id\":\"b\",\"x\":1}\n{bad\n"), true)
	f.Add([]byte(`[1, "a", null, {}, []]`), false)
	f.Add([]byte(`[{"id":"a"}] trailing`), false)
	f.Add([]byte("\r\n\t\n{\"body\":\"\\u0000\"}"), true)
	const max = 50
	f.Fuzz(func(t *testing.T, body []byte, ndjson bool) {
		items, err := api.ParseBulk(body, ndjson, max)
		if err != nil {
			var e *engine.Error
			if !errors.As(err, &e) || (e.Code != engine.Invalid && e.Code != engine.TooLarge) || e.Message == "" {
				t.Fatalf("body error %v is not invalid_argument or too_large with a message", err)
			}
			return
		}
		if len(items) > max {
			t.Fatalf("%d items, limit %d", len(items), max)
		}
		if ndjson {
			lines := 0
			for _, l := range bytes.Split(body, []byte("\n")) {
				if len(bytes.TrimSpace(l)) > 0 {
					lines++
				}
			}
			if lines != len(items) {
				t.Fatalf("%d non-blank lines, %d items", lines, len(items))
			}
		}
		for i, it := range items {
			if it.Err != nil {
				if it.Err.Code != engine.Invalid || it.Err.Message == "" {
					t.Fatalf("item %d: error %+v", i, it.Err)
				}
				continue
			}
			if it.ID != it.Doc.ID {
				t.Fatalf("item %d: id %q, document id %q", i, it.ID, it.Doc.ID)
			}
			// A document that was read reads back after a round trip.
			b, err := json.Marshal(it.Doc)
			if err != nil {
				continue // e.g. a time json cannot print; not the parser's concern
			}
			again, err := api.ParseBulk(b, true, 1)
			if err != nil || len(again) != 1 || again[0].Err != nil {
				t.Fatalf("item %d does not round-trip: %v %+v", i, err, again)
			}
		}
	})
}
