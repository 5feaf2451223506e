package trending

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// Review states of a keyword (ReviewEntry.Status).
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewBlocked  = "blocked"
)

// Why a candidate waits or is kept out by review (Candidate.Reason).
const (
	WhyPendingReview = "pending_review"
	WhyReviewBlocked = "review_blocked"
)

// ReviewConfig turns moderation on (-trending-review): a keyword that
// would enter the list for the first time waits in the review queue until
// an admin approves or blocks it, or AutoApprove after it was queued (0:
// never). An approved keyword may enter the list again later without a
// new review; a blocked one never does.
type ReviewConfig struct {
	Enabled     bool
	AutoApprove time.Duration
}

// Review queue bounds: at most MaxPendingReviews keywords wait at once (a
// further candidate stays out of the list, unqueued, until one is
// decided); an undecided entry is forgotten PendingReviewExpiry after it
// was queued if it is no longer a candidate (it queues again if it rises
// again).
const (
	MaxPendingReviews   = 1000
	PendingReviewExpiry = 24 * time.Hour
)

// ReviewEntry is one keyword in the review state.
type ReviewEntry struct {
	Key     string    `json:"key"`
	Keyword string    `json:"keyword"` // display form when queued
	Status  string    `json:"status"`
	Queued  time.Time `json:"queued"`
	// Why holds the numbers that queued it.
	Why       *Why      `json:"why,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	DecidedBy string    `json:"decided_by,omitempty"` // admin, or "auto"
}

// ReviewStore is the review state part of a Store: one entry per key,
// shared by every instance (a Redis hash; a map in memory).
type ReviewStore interface {
	// ReviewEntries returns every entry, encoded, by key.
	ReviewEntries(ctx context.Context) (map[string][]byte, error)
	// AddReview stores entry for key unless key has one; it reports
	// whether it stored it.
	AddReview(ctx context.Context, key string, entry []byte) (bool, error)
	// SetReview stores entry for key, replacing any.
	SetReview(ctx context.Context, key string, entry []byte) error
	// DeleteReview forgets key's entry.
	DeleteReview(ctx context.Context, key string) error
}

// ReviewQueue returns the keywords waiting for review, oldest first.
func (s *Service) ReviewQueue(ctx context.Context) ([]ReviewEntry, error) {
	all, err := s.reviews(ctx)
	if err != nil {
		return nil, err
	}
	out := []ReviewEntry{}
	for _, e := range all {
		if e.Status == ReviewPending {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Queued.Equal(out[j].Queued) {
			return out[i].Queued.Before(out[j].Queued)
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// Approve lets a queued keyword into the list from the next snapshot on.
func (s *Service) Approve(ctx context.Context, keyword string) (ReviewEntry, error) {
	return s.decide(ctx, keyword, ReviewApproved, "trending.review.approve")
}

// Block keeps a queued keyword out of the list for good.
func (s *Service) Block(ctx context.Context, keyword string) (ReviewEntry, error) {
	return s.decide(ctx, keyword, ReviewBlocked, "trending.review.block")
}

// decide records an admin's decision on a queued keyword (NotFound when
// it is not in the queue) and audits it, whatever the outcome.
func (s *Service) decide(ctx context.Context, keyword, status, action string) (ReviewEntry, error) {
	key := Key(keyword)
	e, err := s.decideEntry(ctx, key, status, engine.ActorFrom(ctx))
	s.audit(ctx, action, key, err, map[string]any{"keyword": e.Keyword})
	return e, err
}

func (s *Service) decideEntry(ctx context.Context, key, status, by string) (ReviewEntry, error) {
	if s.review == nil || !s.reviewCfg.Enabled {
		return ReviewEntry{}, engine.Errorf(engine.Invalid, "trending review is not enabled (-trending-review)")
	}
	all, err := s.reviews(ctx)
	if err != nil {
		return ReviewEntry{}, err
	}
	e, ok := all[key]
	if !ok || e.Status != ReviewPending {
		return ReviewEntry{}, engine.Errorf(engine.NotFound, "%q is not waiting for review", key)
	}
	e.Status, e.DecidedAt, e.DecidedBy = status, s.clock.Now().UTC(), by
	raw, err := json.Marshal(e)
	if err != nil {
		return ReviewEntry{}, err
	}
	if err := s.review.SetReview(ctx, key, raw); err != nil {
		return ReviewEntry{}, err
	}
	return e, nil
}

// audit records an admin action through the Auditor (if any) and logs it.
func (s *Service) audit(ctx context.Context, action, target string, err error, detail map[string]any) {
	e := engine.AuditEntry{Time: s.clock.Now().UTC(), Actor: engine.ActorFrom(ctx), Action: action, Target: target,
		Outcome: engine.OutcomeOK, Detail: detail}
	switch {
	case engine.ErrorCode(err) == engine.Invalid || engine.ErrorCode(err) == engine.NotFound:
		e.Outcome, e.Message = engine.OutcomeRejected, engine.ErrorMessage(err)
	case err != nil:
		e.Outcome, e.Message = engine.OutcomeFailed, err.Error()
	}
	s.log.Info("trending: admin action", zap.String("action", action), zap.String("target", target),
		zap.String("actor", e.Actor), zap.String("outcome", e.Outcome), zap.String("message", e.Message))
	if s.auditor == nil {
		return
	}
	if aerr := s.auditor.Record(context.WithoutCancel(ctx), e); aerr != nil {
		s.log.Error("trending: recording an admin action in the audit trail failed", zap.String("action", action), zap.Error(aerr))
	}
}

// reviews decodes every review entry.
func (s *Service) reviews(ctx context.Context) (map[string]ReviewEntry, error) {
	out := map[string]ReviewEntry{}
	if s.review == nil {
		return out, nil
	}
	raw, err := s.review.ReviewEntries(ctx)
	if err != nil {
		return nil, err
	}
	for k, v := range raw {
		var e ReviewEntry
		if err := json.Unmarshal(v, &e); err != nil {
			s.log.Warn("trending: unreadable review entry", zap.String("key", k), zap.Error(err))
			continue
		}
		out[k] = e
	}
	return out, nil
}

// moderate applies review to the ranked candidates (Step): a shown
// candidate without an entry is queued and kept out, a pending one stays
// out until approved (or auto-approved), a blocked one is out for good;
// ranks are renumbered over what stays. Stale pending entries are
// forgotten.
func (s *Service) moderate(ctx context.Context, cands []Candidate, now time.Time) ([]Candidate, error) {
	if s.review == nil || !s.reviewCfg.Enabled {
		return cands, nil
	}
	all, err := s.reviews(ctx)
	if err != nil {
		return nil, err
	}
	pending := 0
	for _, e := range all {
		if e.Status == ReviewPending {
			pending++
		}
	}
	candidate := map[string]bool{}
	rank := 0
	for i := range cands {
		c := &cands[i]
		candidate[c.Key] = true
		if !c.Shown {
			continue
		}
		e, ok := all[c.Key]
		switch {
		case !ok:
			if pending < MaxPendingReviews {
				e = ReviewEntry{Key: c.Key, Keyword: c.Keyword, Status: ReviewPending, Queued: now.UTC(),
					Why: &Why{Recent: c.Recent, Expected: c.Expected, Ratio: c.Ratio, Users: c.Users}}
				raw, err := json.Marshal(e)
				if err != nil {
					return nil, err
				}
				added, err := s.review.AddReview(ctx, c.Key, raw)
				if err != nil {
					return nil, err
				}
				if added {
					pending++
					s.log.Info("trending: keyword queued for review", zap.String("key", c.Key))
				}
			}
			c.Reason = WhyPendingReview
		case e.Status == ReviewPending && s.reviewCfg.AutoApprove > 0 && now.Sub(e.Queued) >= s.reviewCfg.AutoApprove:
			if _, err := s.decideEntry(ctx, c.Key, ReviewApproved, "auto"); err != nil && engine.ErrorCode(err) != engine.NotFound {
				return nil, err
			}
			s.audit(engine.WithActor(ctx, "auto"), "trending.review.auto_approve", c.Key, nil, map[string]any{"keyword": e.Keyword, "after": s.reviewCfg.AutoApprove.String()})
		case e.Status == ReviewPending:
			c.Reason = WhyPendingReview
		case e.Status == ReviewBlocked:
			c.Reason = WhyReviewBlocked
		}
		if c.Reason != WhyShown {
			c.Shown, c.Rank = false, 0
			continue
		}
		rank++
		c.Rank = rank
	}
	for k, e := range all {
		if e.Status == ReviewPending && !candidate[k] && now.Sub(e.Queued) >= PendingReviewExpiry {
			if err := s.review.DeleteReview(ctx, k); err != nil {
				return nil, err
			}
		}
	}
	return cands, nil
}
