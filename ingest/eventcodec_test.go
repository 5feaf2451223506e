package ingest_test

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
	"github.com/searchd/searchd/searchd/engine"
)

// Every capped event survives the file queue's codec unchanged.
func TestEventCodecRoundTrip(t *testing.T) {
	c, _, _ := ingesttest.NewCapper(t, ingest.CapperConfig{})
	rng := rand.New(rand.NewSource(1))
	events := []ingest.LogEvent{
		c.Cap(engine.SearchEvent{ID: "full", Time: time.Now(), Query: "삼성 전자", Normalized: "삼성 전자",
			Canonical: "삼성전자", Corrected: "삼성", Total: 12, TookMillis: 3.25, Page: 2, Size: 20, Sort: "recent",
			Match: "corrected", SessionID: "s", UserID: "u", ClientIP: "2001:db8::1", UserAgent: "Mozilla/5.0 Chrome/126.0",
			Filters: map[string][]string{"region": {"서울 강북구"}, "tag": {"a", "b"}},
			Context: map[string]any{"platform": "ios", "w": 390, "beta": true, "ratio": 0.5}}),
		c.Cap(engine.SearchEvent{}), // everything generated or empty
	}
	for i := range 200 {
		events = append(events, c.Cap(ingesttest.SearchEvent(rng.Intn(1_000_000)+i)))
	}
	for _, ev := range events {
		b, err := ingest.AppendEvent(nil, ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ingest.DecodeEvent(b)
		if err != nil {
			t.Fatalf("decode %s: %v", ev.ID, err)
		}
		if !reflect.DeepEqual(got, ev) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", got, ev)
		}
		for cut := 0; cut < len(b); cut += 1 + len(b)/17 {
			if _, err := ingest.DecodeEvent(b[:cut]); err == nil {
				t.Fatalf("a record cut at %d of %d bytes decoded", cut, len(b))
			}
		}
	}
	if _, err := ingest.AppendEvent(nil, ingest.LogEvent{ID: "x", Context: map[string]any{"o": map[string]any{}}}); err == nil {
		t.Fatal("an uncapped context value was encoded")
	}
}

// FuzzDecodeEvent: the codec reads what a crash or a disk left in the queue
// file; any bytes either fail cleanly or decode to an event that encodes
// back to the same bytes' meaning.
func FuzzDecodeEvent(f *testing.F) {
	c, _, _ := ingesttest.NewCapper(f, ingest.CapperConfig{})
	for i := range 3 {
		b, _ := ingest.AppendEvent(nil, c.Cap(ingesttest.SearchEvent(i)))
		f.Add(b)
	}
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := ingest.DecodeEvent(b)
		if err != nil {
			return
		}
		again, err := ingest.AppendEvent(nil, ev)
		if err != nil {
			t.Fatalf("a decoded event does not encode: %v", err)
		}
		ev2, err := ingest.DecodeEvent(again)
		if err != nil || !reflect.DeepEqual(ev, ev2) {
			t.Fatalf("re-encoded event differs: %v\n%#v\n%#v", err, ev, ev2)
		}
	})
}
