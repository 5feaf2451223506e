package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

// TestBulkAndPutShareTheIDRule: the ids PUT rejects, bulk rejects too, each
// item with its own 400 while the others are written. Before, bulk decoded
// "c\xff" and "c\xfe" into the same "c\uFFFD" and answered two 201s for one
// document.
func TestBulkAndPutShareTheIDRule(t *testing.T) {
	f := newFixture(t, nil)
	badIDs := []string{"c\xff", "c\xfe", "nul\x00id", "zero\u200bwidth", "\u202Eevil", "bom\uFEFF", "c\uFFFD"}
	var lines []string
	for _, id := range badIDs {
		// Raw bytes inside the JSON string, as a client would send them.
		lines = append(lines, `{"id":"`+strings.ReplaceAll(id, "\x00", `\u0000`)+`","title":"잘못된 아이디"}`)
	}
	lines = append(lines, `{"id":"good-id","title":"올바른 아이디"}`)
	r := f.do(t, http.MethodPost, "/api/v1/documents?refresh=true", strings.Join(lines, "\n"), "Content-Type: application/x-ndjson")
	r.wantStatus(t, http.StatusOK)
	var resp api.BulkResponse
	r.decode(t, &resp)
	if len(resp.Items) != len(badIDs)+1 || !resp.Errors {
		t.Fatalf("items %d errors %v: %s", len(resp.Items), resp.Errors, r.Body)
	}
	for i, id := range badIDs {
		it := resp.Items[i]
		if it.Status != http.StatusBadRequest || it.Error == nil || it.Error.Code != engine.Invalid {
			t.Errorf("bulk id %q: %+v, want its own 400", id, it)
		}
	}
	if last := resp.Items[len(badIDs)]; last.Status != http.StatusCreated || last.ID != "good-id" {
		t.Errorf("the good item: %+v, want 201", last)
	}
	// Nothing was merged into a replacement-character id.
	f.do(t, http.MethodGet, "/api/v1/documents/c%EF%BF%BD", "").wantError(t, http.StatusNotFound, engine.NotFound)
	f.do(t, http.MethodGet, "/api/v1/documents/good-id", "").wantStatus(t, http.StatusOK)

	// PUT: the same ids, the same answer.
	for _, id := range badIDs {
		path := "/api/v1/documents/" + pathEscapeAll(id)
		f.do(t, http.MethodPut, path, `{"title":"잘못된 아이디"}`).wantError(t, http.StatusBadRequest, engine.Invalid)
	}
	// A JSON array: the same per-item rule.
	r = f.do(t, http.MethodPost, "/api/v1/documents", `[{"id":"ok-arr","title":"t"},{"id":"c`+"\xff"+`","title":"t"}]`)
	r.wantStatus(t, http.StatusOK)
	r.decode(t, &resp)
	if len(resp.Items) != 2 || resp.Items[0].Status != 201 || resp.Items[1].Status != 400 {
		t.Errorf("array: %s", r.Body)
	}
}

// pathEscapeAll percent-encodes every byte, so invalid UTF-8 reaches the
// server as the client sent it.
func pathEscapeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteString("%")
		b.WriteString(strings.ToUpper(string("0123456789abcdef"[s[i]>>4]) + string("0123456789abcdef"[s[i]&15])))
	}
	return b.String()
}
