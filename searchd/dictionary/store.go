package dictionary

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// Store keeps the dictionary history durably, where every instance sees
// it: every set ever applied and the records of rebuild jobs.
type Store interface {
	// SaveSet stores s under s.Version, replacing what was there.
	SaveSet(ctx context.Context, s Set) error
	// Sets returns every set, newest (highest version) first.
	Sets(ctx context.Context) ([]Set, error)
	// GetSet returns set v or an error with code NotFound.
	GetSet(ctx context.Context, v int) (Set, error)
	// SaveJob stores j under j.ID, replacing what was there.
	SaveJob(ctx context.Context, j Job) error
	// GetJob returns job id or NotFound.
	GetJob(ctx context.Context, id string) (Job, error)
	// Jobs returns every job, most recently started first.
	Jobs(ctx context.Context) ([]Job, error)
}

// AuditLog is the durable audit trail: an engine.Auditor that can be read
// back.
type AuditLog interface {
	engine.Auditor
	// List returns entries newest first, skipping offset, at most limit,
	// and the total number of entries.
	List(ctx context.Context, offset, limit int) ([]engine.AuditEntry, int, error)
}

// Audit paging limits.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 500
)

// auditIDBytes: audit entry ids are 12 random bytes, hex.
const auditIDBytes = 12

// FillAudit sets an entry's id and time when they are empty.
func FillAudit(e *engine.AuditEntry, now time.Time) {
	if e.ID == "" {
		e.ID = engine.RandomHex(auditIDBytes)
	}
	if e.Time.IsZero() {
		e.Time = now.UTC()
	}
}

// LoggedAudit records every entry in the log too (after the durable
// store accepted it, or with the store's error).
type LoggedAudit struct {
	AuditLog
	Log *zap.Logger
}

// Record implements engine.Auditor.
func (l LoggedAudit) Record(ctx context.Context, e engine.AuditEntry) error {
	FillAudit(&e, time.Now())
	err := l.AuditLog.Record(ctx, e)
	fields := []zap.Field{zap.String("component", "audit"), zap.String("audit_id", e.ID), zap.String("actor", e.Actor),
		zap.String("action", e.Action), zap.String("target", e.Target), zap.String("outcome", e.Outcome),
		zap.String("message", e.Message), zap.Any("detail", e.Detail), zap.String("request_id", e.RequestID)}
	if err != nil {
		l.Log.Error("audit entry could not be stored", append(fields, zap.Error(err))...)
		return err
	}
	l.Log.Info("audit", fields...)
	return nil
}

// pageOf returns the page [offset, offset+limit) of entries already in
// newest-first order.
func pageOf[T any](all []T, offset, limit int) []T {
	if offset >= len(all) {
		return []T{}
	}
	return all[offset:min(len(all), offset+limit)]
}
