package demo

import (
	"strings"
	"testing"

	"github.com/searchd/searchd/searchd/engine"
)

func TestParseDocumentsRejectsBadInput(t *testing.T) {
	const ok = `{"id":"a","title":"제목","body":"본문","created_at":"2025-01-02T03:04:05+09:00","popularity":1}`
	tests := []struct {
		name, data, wantErr string
	}{
		{"unknown field", `[{"id":"a","title":"t","created_at":"2025-01-02T03:04:05Z","popularity":1,"likes":3}]`, "unknown field"},
		{"trailing data", `[` + ok + `] []`, "after the top-level array"},
		{"duplicate id", `[` + ok + `,` + ok + `]`, "duplicate id"},
		{"invalid document", `[{"id":"a b","title":"t","created_at":"2025-01-02T03:04:05Z"}]`, "may not contain"},
		{"negative popularity", `[{"id":"a","title":"t","created_at":"2025-01-02T03:04:05Z","popularity":-1}]`, "negative"},
		{"bad time", `[{"id":"a","title":"t","created_at":"yesterday"}]`, "decode"},
		{"not an array", `{"id":"a"}`, "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDocuments([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("parseDocuments(%s) error = %v, want one containing %q", tt.data, err, tt.wantErr)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		docs, err := parseDocuments([]byte(`[` + ok + `]`))
		if err != nil || len(docs) != 1 || docs[0].ID != "a" || docs[0].Popularity != 1 {
			t.Fatalf("parseDocuments(valid) = %+v, %v", docs, err)
		}
	})
}

// FuzzParseDocuments checks that whatever the decoder accepts is a list of
// valid documents with unique ids, and that it never panics.
func FuzzParseDocuments(f *testing.F) {
	f.Add([]byte(`[{"id":"a","title":"제목","created_at":"2025-01-02T03:04:05Z","popularity":3,"tags":["x"]}]`))
	f.Add([]byte(`[{"id":"a","title":"t","created_at":"2025-01-02T03:04:05Z"},{"id":"a","title":"u","created_at":"2025-01-02T03:04:05Z"}]`))
	f.Add([]byte(`[] x`))
	f.Add([]byte(`[{"id":"a","extra":1}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := parseDocuments(data)
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for _, d := range docs {
			if verr := engine.ValidateDocument(d); verr != nil {
				t.Fatalf("accepted an invalid document: %v", verr)
			}
			if ids[d.ID] {
				t.Fatalf("accepted duplicate id %q", d.ID)
			}
			ids[d.ID] = true
		}
	})
}
