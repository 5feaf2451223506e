package api

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/searchd/searchd/searchd/engine"
)

// statusTimeout bounds each component's status check.
const statusTimeout = 2 * time.Second

// engineStatus is the built-in engine component: up when the engine is
// ready (connected, mappings applied), down otherwise.
func (s *Server) engineStatus(ctx context.Context) engine.ComponentStatus {
	st := engine.ComponentStatus{Component: "engine", Health: engine.HealthUp, Message: s.eng.Name() + " engine ready"}
	if err := s.eng.Ready(ctx); err != nil {
		st.Health, st.Message = engine.HealthDown, s.eng.Name()+" engine not ready: "+engine.ErrorMessage(err)
	}
	return st
}

// componentStatuses asks every component at once, each within
// statusTimeout; a reporter that overruns it is down.
func (s *Server) componentStatuses(ctx context.Context) []engine.ComponentStatus {
	out := make([]engine.ComponentStatus, len(s.components))
	var wg sync.WaitGroup
	for i, r := range s.components {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, statusTimeout)
			defer cancel()
			done := make(chan engine.ComponentStatus, 1)
			go func() { done <- r.Status(cctx) }()
			select {
			case out[i] = <-done:
			case <-cctx.Done():
				out[i] = engine.ComponentStatus{Health: engine.HealthDown, Message: "the status check did not answer in time"}
			}
			out[i].Component = r.ComponentName()
		}()
	}
	wg.Wait()
	return out
}

// worst is the overall health: the worst component's.
func worst(sts []engine.ComponentStatus) engine.Health {
	h := engine.HealthUp
	for _, st := range sts {
		switch {
		case st.Health == engine.HealthDown:
			return engine.HealthDown
		case st.Health == engine.HealthDegraded:
			h = engine.HealthDegraded
		}
	}
	return h
}

// healthz is liveness: 200 while the process serves HTTP. With ?verbose=1
// it also says per component (engine, Redis, log queue, trending leader…)
// whether it is up, degraded or down — still 200: the process is alive;
// /readyz is what says whether search can be served.
func (s *Server) healthz(c *gin.Context) {
	if v, _ := strconv.ParseBool(c.Query("verbose")); !v {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
		return
	}
	sts := s.componentStatuses(c.Request.Context())
	c.JSON(http.StatusOK, gin.H{"status": worst(sts), "components": sts})
}

// statusCollector exports every component's health at scrape time as
// searchd_component_status{component,status}: 1 for its current state, 0
// for the others (a state set).
type statusCollector struct {
	s    *Server
	desc *prometheus.Desc
}

func (c statusCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c statusCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.s.componentStatuses(context.Background()) {
		for _, h := range engine.Healths {
			v := 0.0
			if st.Health == h {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, st.Component, string(h))
		}
	}
}

// setupStatus registers the components (the engine first) and the gauges.
func (s *Server) setupStatus(d Deps) error {
	s.components = append([]engine.StatusReporter{engine.StatusFunc("engine", s.engineStatus)}, d.Components...)
	_, err := register(d.Registry, prometheus.Collector(statusCollector{s: s, desc: prometheus.NewDesc(
		"searchd_component_status", "Health of each component: 1 for its current status (up, degraded, down), 0 for the others.",
		[]string{"component", "status"}, nil)}))
	return err
}
