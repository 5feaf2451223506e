package engine

import (
	"context"
	"time"
)

// AuditEntry is one administrative action: who did what, when, and how it
// ended. Dictionary administration (validate-on-apply failures, apply,
// cancel, rollback) and trending moderation (blocklist changes, review
// approvals and blocks) record one each.
type AuditEntry struct {
	ID   string    `json:"id"`
	Time time.Time `json:"time"`
	// Actor is the admin identity: the name sent in X-Admin-User, else "admin".
	Actor string `json:"actor"`
	// Action is dotted and stable, e.g. "dictionary.apply",
	// "dictionary.rollback", "trending.blocklist.update", "trending.review.approve".
	Action string `json:"action"`
	// Target names what the action was about (a version, a job id, a keyword).
	Target string `json:"target,omitempty"`
	// Outcome is "ok", "failed" or "rejected".
	Outcome string `json:"outcome"`
	// Message says in words what happened (the admin's message, the error).
	Message string `json:"message,omitempty"`
	// Detail carries small structured facts (rule counts, job id, pattern).
	Detail    map[string]any `json:"detail,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

// Audit outcomes.
const (
	OutcomeOK       = "ok"
	OutcomeFailed   = "failed"
	OutcomeRejected = "rejected"
)

// Auditor records administrative actions durably. Implementations fill ID
// and Time when they are empty.
type Auditor interface {
	Record(ctx context.Context, e AuditEntry) error
}

// DefaultActor is the admin identity when a request names none.
const DefaultActor = "admin"

type actorKey struct{}

// WithActor returns ctx carrying the admin identity (the API's admin guard
// sets it from X-Admin-User).
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the admin identity of ctx, DefaultActor when none.
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return DefaultActor
}
