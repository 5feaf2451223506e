package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

// TestVerboseHealth: /healthz stays liveness (200 with the engine closed);
// ?verbose=1 lists every component with up/degraded/down, and the gauges
// carry the same states.
func TestVerboseHealth(t *testing.T) {
	queue := engine.ComponentStatus{Component: "log_queue", Health: engine.HealthDegraded, Message: "Redis is away; 12 events buffered"}
	f := newFixture(t, func(d *api.Deps) {
		d.Components = []engine.StatusReporter{
			engine.StatusFunc("log_queue", func(context.Context) engine.ComponentStatus { return queue }),
			engine.StatusFunc("redis", func(ctx context.Context) engine.ComponentStatus {
				<-ctx.Done() // a hung check is reported down, not waited for
				return engine.ComponentStatus{Component: "redis", Health: engine.HealthUp}
			}),
		}
	})
	var body struct {
		Status     engine.Health            `json:"status"`
		Components []engine.ComponentStatus `json:"components"`
	}
	r := f.do(t, http.MethodGet, "/healthz?verbose=1", "")
	r.wantStatus(t, http.StatusOK)
	r.decode(t, &body)
	if body.Status != engine.HealthDown || len(body.Components) != 3 {
		t.Fatalf("verbose health = %s", r.Body)
	}
	if c := body.Components[0]; c.Component != "engine" || c.Health != engine.HealthUp {
		t.Errorf("engine = %+v, want up", c)
	}
	if body.Components[1] != queue {
		t.Errorf("log queue = %+v", body.Components[1])
	}
	if c := body.Components[2]; c.Component != "redis" || c.Health != engine.HealthDown {
		t.Errorf("the hung check = %+v, want down", c)
	}
	if plain := f.do(t, http.MethodGet, "/healthz", ""); strings.Contains(string(plain.Body), "components") {
		t.Errorf("plain /healthz lists components: %s", plain.Body)
	}

	metrics := string(f.do(t, http.MethodGet, "/metrics", "").Body)
	for _, want := range []string{
		`searchd_component_status{component="engine",status="up"} 1`,
		`searchd_component_status{component="engine",status="down"} 0`,
		`searchd_component_status{component="log_queue",status="degraded"} 1`,
		`searchd_component_status{component="log_queue",status="up"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// A closed engine: liveness still 200, the engine component down.
	if err := f.eng.Close(); err != nil {
		t.Fatal(err)
	}
	r = f.do(t, http.MethodGet, "/healthz?verbose=true", "")
	r.wantStatus(t, http.StatusOK)
	r.decode(t, &body)
	if c := body.Components[0]; c.Component != "engine" || c.Health != engine.HealthDown || c.Message == "" {
		t.Errorf("closed engine = %+v, want down with a reason", c)
	}
}
