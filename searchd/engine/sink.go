package engine

import "context"

// EventSink receives search events. Publish must not block the search path:
// implementations queue the event and return at once.
type EventSink interface {
	Publish(ctx context.Context, ev SearchEvent)
}

// NopSink drops every event.
type NopSink struct{}

// Publish implements EventSink.
func (NopSink) Publish(context.Context, SearchEvent) {}
