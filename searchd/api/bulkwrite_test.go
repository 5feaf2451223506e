package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

// tcpServer serves f over real TCP with the given write timeout.
func tcpServer(t testing.TB, f *fixture, writeTimeout time.Duration) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(f.srv)
	ts.Config.ReadTimeout, ts.Config.WriteTimeout = writeTimeout, writeTimeout
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func bulkDoc(i int, body string) string {
	return fmt.Sprintf(`{"id":"bd-%04d","title":"배치 문서 %d","body":%q}`, i, i, body)
}

// readError decodes a JSON error answer.
func readError(t testing.TB, resp *http.Response) engine.Error {
	t.Helper()
	defer resp.Body.Close()
	var body api.ErrorBody
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("HTTP %d: the error body is not JSON: %v", resp.StatusCode, err)
	}
	return body.Error
}

// TestBulkWrittenInBatches: a bulk body is read as a stream and written in
// batches, so a body that breaks after the first batches has those written
// (and the answer says how many), while the batch in progress is not.
func TestBulkWrittenInBatches(t *testing.T) {
	f := newFixture(t, nil)
	var items []string
	for i := range 1100 {
		items = append(items, bulkDoc(i, "본문"))
	}
	body := "[" + strings.Join(items, ",") + `, {"id": ]`
	r := f.do(t, http.MethodPost, "/api/v1/documents", body)
	e := r.wantError(t, http.StatusBadRequest, engine.Invalid)
	if !strings.Contains(e.Message, "malformed at item 1101") || !strings.Contains(e.Message, "1000 documents of this request were already written") {
		t.Errorf("message %q does not say where it broke and what was written", e.Message)
	}
	f.do(t, http.MethodGet, "/api/v1/documents/bd-0999", "").wantStatus(t, http.StatusOK)
	f.do(t, http.MethodGet, "/api/v1/documents/bd-1000", "").wantError(t, http.StatusNotFound, engine.NotFound)

	// The same as NDJSON, whole: every item answered in order.
	r = f.do(t, http.MethodPost, "/api/v1/documents", strings.Join(items, "\n"), "Content-Type: application/x-ndjson")
	r.wantStatus(t, http.StatusOK)
	var resp api.BulkResponse
	r.decode(t, &resp)
	if len(resp.Items) != 1100 || resp.Errors || resp.Items[1099].ID != "bd-1099" {
		t.Fatalf("items %d errors %v", len(resp.Items), resp.Errors)
	}
}

// TestBulkLineTooLong: an NDJSON line over the line limit fails alone and
// is skipped without being held.
func TestBulkLineTooLong(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.Limits.MaxBodyBytes = 4 << 20 })
	long := bulkDoc(1, strings.Repeat("가", api.MaxBulkLineBytes/3+10))
	r := f.do(t, http.MethodPost, "/api/v1/documents", bulkDoc(0, "짧은 본문")+"\n"+long+"\n"+bulkDoc(2, "짧은 본문"), "Content-Type: application/x-ndjson")
	r.wantStatus(t, http.StatusOK)
	var resp api.BulkResponse
	r.decode(t, &resp)
	if len(resp.Items) != 3 || resp.Items[0].Status != 201 || resp.Items[1].Status != 400 || resp.Items[1].ID != "bd-0001" || resp.Items[2].Status != 201 {
		t.Errorf("items %+v", resp.Items)
	}
}

// TestBulkBusyAnswers429: with every bulk slot taken, further bulk
// requests get 429 with Retry-After at once — over real TCP, while they
// are still sending a large body, and each client receives the answer (no
// reset connection). The running request is unaffected.
func TestBulkBusyAnswers429(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.Limits.MaxConcurrentBulk = 1 })
	ts := tcpServer(t, f, 30*time.Second)

	// The slow request holds the only slot: its body arrives in two parts.
	pr, pw := io.Pipe()
	slow := make(chan *http.Response, 1)
	go func() {
		resp, err := http.Post(ts.URL+"/api/v1/documents", "application/x-ndjson", pr)
		if err != nil {
			t.Errorf("slow request: %v", err)
			close(slow)
			return
		}
		slow <- resp
	}()
	if _, err := io.WriteString(pw, bulkDoc(0, "먼저 온 요청")+"\n"); err != nil {
		t.Fatal(err)
	}
	// Wait until the slow request holds the slot: a probe gets 429.
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Post(ts.URL+"/api/v1/documents", "application/x-ndjson", strings.NewReader(bulkDoc(1, "탐색")))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slot was never taken (last status %d)", resp.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// 8 clients with 5 MB bodies, at once.
	var big bytes.Buffer
	for i := 0; big.Len() < 5<<20; i++ {
		big.WriteString(bulkDoc(10+i, strings.Repeat("큰 본문 ", 200)) + "\n")
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(ts.URL+"/api/v1/documents", "application/x-ndjson", bytes.NewReader(big.Bytes()))
			if err != nil {
				t.Errorf("client %d: %v (a dropped connection, not an answer)", i, err)
				return
			}
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
				t.Errorf("client %d: %d Retry-After %q, want 429 with Retry-After", i, resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			if e := readError(t, resp); e.Code != engine.TooManyRequests {
				t.Errorf("client %d: %+v", i, e)
			}
		}()
	}
	wg.Wait()

	if _, err := io.WriteString(pw, bulkDoc(2, "이어서")+"\n"); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	resp, ok := <-slow
	if !ok {
		return
	}
	defer resp.Body.Close()
	var out api.BulkResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || len(out.Items) != 2 || out.Errors {
		t.Errorf("the running request: %d %+v %v", resp.StatusCode, out, err)
	}
}

// TestRequestDeadlineAnswers504: a request that cannot finish within its
// deadline (below the server's write timeout) is answered 504 timeout while
// the client still listens, and the access log says 504, not 200.
func TestRequestDeadlineAnswers504(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	f := newFixture(t, func(d *api.Deps) {
		d.RequestTimeout = 300 * time.Millisecond
		d.Logger = zap.New(core)
	})
	ts := tcpServer(t, f, 5*time.Second)

	t.Run("the body stalls", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		go func() { _, _ = io.WriteString(pw, bulkDoc(0, "느린 클라이언트")+"\n") }() // then nothing
		start := time.Now()
		resp, err := http.Post(ts.URL+"/api/v1/documents", "application/x-ndjson", pr)
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Fatalf("status %d, want 504", resp.StatusCode)
		}
		if e := readError(t, resp); e.Code != engine.Timeout {
			t.Errorf("error %+v, want timeout", e)
		}
		t.Logf("answered after %s (deadline 300ms)", time.Since(start).Round(time.Millisecond))
	})
	t.Run("the work takes too long", func(t *testing.T) {
		var body bytes.Buffer
		for i := 0; body.Len() < 8<<20; i++ {
			body.WriteString(bulkDoc(i, strings.Repeat("오래 걸리는 분석 작업입니다 ", 100)) + "\n")
		}
		resp, err := http.Post(ts.URL+"/api/v1/documents", "application/x-ndjson", &body)
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Fatalf("status %d, want 504", resp.StatusCode)
		}
		e := readError(t, resp)
		if e.Code != engine.Timeout || !strings.Contains(e.Message, "deadline") {
			t.Errorf("error %+v, want timeout naming the deadline", e)
		}
	})
	t.Run("the body is slow but keeps coming", func(t *testing.T) {
		// The deadline passes while the client is still sending: it gets
		// the 504 after its body was drained, not a reset connection.
		var body bytes.Buffer
		for i := 0; body.Len() < 4<<20; i++ {
			body.WriteString(bulkDoc(i, strings.Repeat("천천히 보내는 본문 ", 50)) + "\n")
		}
		resp, err := http.Post(ts.URL+"/api/v1/documents", "application/x-ndjson", &slowReader{r: &body, chunk: 256 << 10, every: 50 * time.Millisecond})
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Fatalf("status %d, want 504", resp.StatusCode)
		}
		if e := readError(t, resp); e.Code != engine.Timeout {
			t.Errorf("error %+v, want timeout", e)
		}
	})
	// The stalled request's line comes once its body drain gave up.
	for end := time.Now().Add(15 * time.Second); logs.FilterMessage("request").Len() < 3 && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	var logged []int64
	for _, e := range logs.FilterMessage("request").All() {
		if e.ContextMap()["route"] == "/api/v1/documents" {
			logged = append(logged, e.ContextMap()["status"].(int64))
			if e.ContextMap()["error"] != "timeout" {
				t.Errorf("access log entry without error=timeout: %v", e.ContextMap())
			}
		}
	}
	if len(logged) != 3 || slices.ContainsFunc(logged, func(s int64) bool { return s != 504 }) {
		t.Errorf("access log statuses %v, want [504 504 504]", logged)
	}
}

// slowReader hands out chunk bytes every interval: a client on a slow link.
type slowReader struct {
	r     io.Reader
	chunk int
	every time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.every)
	return s.r.Read(p[:min(len(p), s.chunk)])
}

// TestEventStreamsOutliveTheDeadline: routes ending in /events (server-sent
// events, such as a rebuild job's progress) are not cut at the request
// deadline; other routes are.
func TestEventStreamsOutliveTheDeadline(t *testing.T) {
	wait := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			w.WriteHeader(http.StatusGatewayTimeout)
		case <-time.After(300 * time.Millisecond):
			w.WriteHeader(http.StatusOK)
		}
	})
	f := newFixture(t, func(d *api.Deps) {
		d.RequestTimeout = 100 * time.Millisecond
		d.Extra = []api.Route{
			{Method: http.MethodGet, Path: "/api/v1/test/events", Handler: wait},
			{Method: http.MethodGet, Path: "/api/v1/test/slow", Handler: wait},
		}
	})
	f.do(t, http.MethodGet, "/api/v1/test/events", "").wantStatus(t, http.StatusOK)
	f.do(t, http.MethodGet, "/api/v1/test/slow", "").wantStatus(t, http.StatusGatewayTimeout)
	f.do(t, http.MethodGet, "/api/v1/test/slow", "", "Accept: text/event-stream").wantStatus(t, http.StatusOK)
}
