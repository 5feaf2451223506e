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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/engine"
)

// BenchmarkBulkMemory sends 16 concurrent bulk requests of ~10 MB (about
// 750 documents of 13 KB: NSMC reviews joined) to a separately started
// searchd binary over TCP (embedded engine, demo data) and reports the
// server's peak RSS (VmHWM) and how every client was answered (2xx, 413,
// 429, or 504 when the request's deadline ran out — never a dropped
// connection). It compares
// -max-bulk-concurrency 2 (the default) with 16 (admission control off:
// only the streaming parse and the batches bound memory). Before issue 10,
// 8 such requests took 5.8 GB and every client's connection dropped.
//
//	go test ./searchd -run '^$' -bench BulkMemory -benchtime 1x -timeout 30m
func BenchmarkBulkMemory(b *testing.B) {
	path, ok := nsmc.Path()
	if !ok {
		b.Skip("the NSMC corpus is not available (SEARCHD_NSMC)")
	}
	reviews, err := nsmc.Documents(path, 60_000)
	if err != nil {
		b.Fatal(err)
	}
	bin := searchdBinary(b)
	const clients = 16
	bodies := make([][]byte, clients)
	next := 0
	for c := range clients {
		bodies[c], next = bulkBody(c, reviews, next, 10_000_000)
	}
	for _, limit := range []int{2, 16} {
		b.Run(fmt.Sprintf("max-bulk-concurrency=%d", limit), func(b *testing.B) {
			for range b.N {
				runBulkMemory(b, bin, limit, bodies)
			}
		})
	}
}

// bulkBody builds one NDJSON body of about size bytes: documents of ~13 KB
// whose bodies are consecutive reviews (ids unique per client).
func bulkBody(client int, reviews []engine.Document, next, size int) ([]byte, int) {
	var buf bytes.Buffer
	for i := 0; buf.Len() < size-20_000; i++ {
		var text strings.Builder
		for text.Len() < 13_000 {
			text.WriteString(reviews[next%len(reviews)].Body)
			text.WriteString(" ")
			next++
		}
		line, _ := json.Marshal(map[string]any{
			"id": fmt.Sprintf("bulk-%02d-%04d", client, i), "title": fmt.Sprintf("리뷰 모음 %d-%d", client, i),
			"body": strings.TrimSpace(text.String()), "created_at": "2026-11-01T00:00:00Z",
		})
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), next
}

func runBulkMemory(b *testing.B, bin string, limit int, bodies [][]byte) {
	port := testenv.FreePort(b)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "-addr", "127.0.0.1:"+strconv.Itoa(port), "-data", b.TempDir(), "-demo",
		"-log-level", "warn", "-max-bulk-concurrency", strconv.Itoa(limit))
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("searchd not ready: %s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	idle := vmHWM(b, cmd.Process.Pid)
	b.ResetTimer()
	start := time.Now()
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		dropped  int
		slowest  time.Duration
	)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Minute}
	for _, body := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			resp, err := client.Post(base+"/api/v1/documents", "application/x-ndjson", bytes.NewReader(body))
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			mu.Lock()
			defer mu.Unlock()
			slowest = max(slowest, time.Since(t0))
			if err != nil {
				dropped++
				b.Logf("a client got no answer: %v", err)
				return
			}
			statuses[resp.StatusCode]++
		}()
	}
	wg.Wait()
	b.StopTimer()
	peak := vmHWM(b, cmd.Process.Pid)
	ok := 0
	for code, n := range statuses {
		if code >= 200 && code < 300 {
			ok += n
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak_rss_MiB")
	b.ReportMetric(float64(idle)/1024, "idle_rss_MiB")
	b.ReportMetric(float64(ok), "2xx")
	b.ReportMetric(float64(statuses[http.StatusTooManyRequests]), "429")
	b.ReportMetric(float64(statuses[http.StatusGatewayTimeout]), "504")
	b.ReportMetric(float64(dropped), "dropped")
	b.ReportMetric(slowest.Seconds(), "slowest_s")
	b.Logf("limit %d: statuses %v, dropped %d, peak RSS %d MiB (idle %d MiB), all answered in %s", limit, statuses, dropped, peak/1024, idle/1024, time.Since(start).Round(time.Millisecond))
	if dropped > 0 {
		b.Errorf("%d clients got a dropped connection instead of an answer", dropped)
	}
	for code := range statuses {
		// 504: the request ran out of its deadline (below the write
		// timeout) and said so, with how many documents were written — an
		// honest answer on a machine too slow for 10 MB in 55 s.
		if code >= 300 && code != http.StatusRequestEntityTooLarge && code != http.StatusTooManyRequests && code != http.StatusGatewayTimeout {
			b.Errorf("status %d: want only 2xx, 413, 429 or 504", code)
		}
	}
}

// vmHWM is the process's peak resident set in KiB.
func vmHWM(tb testing.TB, pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	tb.Fatal("no VmHWM")
	return 0
}
