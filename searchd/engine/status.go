package engine

import "context"

// Health is how a component is doing.
type Health string

const (
	// HealthUp: working.
	HealthUp Health = "up"
	// HealthDegraded: working with a fault that loses or delays something
	// (a buffer filling while its backend is away, a stale snapshot).
	HealthDegraded Health = "degraded"
	// HealthDown: not working.
	HealthDown Health = "down"
)

// Healths lists every Health, best first.
var Healths = []Health{HealthUp, HealthDegraded, HealthDown}

// ComponentStatus is one component's health, as GET /healthz?verbose=1
// shows it and the searchd_component_status gauges carry it.
type ComponentStatus struct {
	// Component names it: "engine", "redis", "log_queue", "trending_leader"...
	Component string `json:"component"`
	Health    Health `json:"status"`
	// Message says why, for operators; it never holds URLs or secrets.
	Message string `json:"message,omitempty"`
}

// StatusReporter is a part of searchd that can say how it is. Status must
// answer within ctx (the caller bounds it to a couple of seconds) and
// without side effects; it is called on every status request and scrape.
// ComponentName names it even when Status cannot answer in time.
type StatusReporter interface {
	ComponentName() string
	Status(ctx context.Context) ComponentStatus
}

// StatusFunc is a StatusReporter from a name and a check.
func StatusFunc(name string, check func(ctx context.Context) ComponentStatus) StatusReporter {
	return statusFunc{name, check}
}

type statusFunc struct {
	name  string
	check func(ctx context.Context) ComponentStatus
}

func (f statusFunc) ComponentName() string { return f.name }

func (f statusFunc) Status(ctx context.Context) ComponentStatus {
	st := f.check(ctx)
	st.Component = f.name
	return st
}
