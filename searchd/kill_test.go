package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
)

// proc is a searchd process started from the binary built for the test.
type proc struct {
	cmd  *exec.Cmd
	base string
}

func startProc(t *testing.T, bin, dir string) *proc {
	t.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-data", dir, "-demo=false", "-admin-token", "kill-test-token-123", "-log-level", "warn")
	cmd.Env = append(os.Environ(), "SEARCHD_SYNONYMS=", "SEARCHD_USER_DICT=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("searchd did not start: %v; stderr: %s", err, stderr.String())
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "searchd listening on ")
	if !ok {
		t.Fatalf("unexpected first line %q", line)
	}
	p.base = "http://" + addr
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	for deadline := time.Now().Add(time.Minute); ; {
		if resp, err := http.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("searchd never became ready; stderr: %s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *proc) call(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.base+path, rd)
	req.Header.Set("Authorization", "Bearer kill-test-token-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

// TestKillDuringRebuild: kill -9 of the process in the middle of a
// rebuild's copy leaves live unchanged; after a restart the job is
// recorded as failed, the half-built version is gone and a new apply
// succeeds.
func TestKillDuringRebuild(t *testing.T) {
	path, ok := nsmc.Path()
	if !ok {
		if os.Getenv("SEARCHD_REQUIRE_ALL") != "" {
			t.Fatal("the NSMC corpus is required (SEARCHD_NSMC)")
		}
		t.Skip("NSMC corpus not found")
	}
	docs, err := nsmc.Documents(path, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	bin := searchdBinary(t)
	dir := t.TempDir()
	p := startProc(t, bin, dir)
	for i := 0; i < len(docs); i += 5000 {
		var res struct{ Errors bool }
		if st := p.call(t, http.MethodPost, "/api/v1/documents?refresh=true", docs[i:min(i+5000, len(docs))], &res); st != 200 || res.Errors {
			t.Fatalf("bulk load: %d", st)
		}
	}
	search := func(p *proc, q string) engine.SearchResponse {
		var r engine.SearchResponse
		if st := p.call(t, http.MethodGet, "/api/v1/search?q="+q, nil, &r); st != 200 {
			t.Fatalf("search %s: %d", q, st)
		}
		return r
	}
	before := search(p, "영화")
	var started struct{ Job dictionary.Job }
	if st := p.call(t, http.MethodPost, "/api/v1/admin/dictionaries/apply", map[string]string{"synonyms": "영화, 필름\n", "message": "kill"}, &started); st != 202 {
		t.Fatalf("apply: %d", st)
	}
	var j dictionary.Job
	for deadline := time.Now().Add(5 * time.Minute); ; {
		p.call(t, http.MethodGet, "/api/v1/admin/jobs/"+started.Job.ID, nil, &j)
		if j.Phase == dictionary.PhaseCopying && j.Done > 0 {
			break
		}
		if j.Finished() || time.Now().After(deadline) {
			t.Fatalf("never caught the job copying: %+v", j)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	t.Logf("killed during the copy at %d / %d documents (target version %d)", j.Done, j.Total, j.Target)

	p = startProc(t, bin, dir)
	var live dictionary.Set
	p.call(t, http.MethodGet, "/api/v1/admin/dictionaries", nil, &live)
	if live.Version != 1 || live.Synonyms != "" {
		t.Fatalf("live after the kill = %+v, want version 1 unchanged", live)
	}
	if after := search(p, "영화"); after.Total != before.Total {
		t.Fatalf("live answers differently after the kill: %d hits, before %d", after.Total, before.Total)
	}
	var failed dictionary.Job
	p.call(t, http.MethodGet, "/api/v1/admin/jobs/"+started.Job.ID, nil, &failed)
	if failed.State != dictionary.StateFailed || failed.Error == "" {
		t.Fatalf("the killed job = %+v, want failed", failed)
	}
	var vs struct{ Versions []engine.Version }
	p.call(t, http.MethodGet, "/api/v1/admin/versions", nil, &vs)
	if len(vs.Versions) != 1 || vs.Versions[0].Number != 1 {
		t.Fatalf("versions after restart = %+v, want only the live version 1", vs.Versions)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs", fmt.Sprintf("docs-v%d", j.Target))); !os.IsNotExist(err) {
		t.Fatalf("the half-built version's directory is still there: %v", err)
	}
	if st := p.call(t, http.MethodPost, "/api/v1/admin/dictionaries/apply", map[string]string{"synonyms": "영화, 필름\n", "message": "again"}, &started); st != 202 {
		t.Fatalf("apply after restart: %d", st)
	}
	for deadline := time.Now().Add(5 * time.Minute); ; {
		p.call(t, http.MethodGet, "/api/v1/admin/jobs/"+started.Job.ID, nil, &j)
		if j.Finished() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new apply did not finish: %+v", j)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if j.State != dictionary.StateSucceeded || search(p, "필름").Total == 0 {
		t.Fatalf("the new apply: %+v", j)
	}
}
