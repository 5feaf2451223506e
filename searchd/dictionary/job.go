package dictionary

import "time"

// Job is the record of one rebuild: an apply or a rollback that builds a
// new index version.
type Job struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // apply or rollback
	// State is running, succeeded, failed or canceled.
	State string `json:"state"`
	// Phase is where a running job is (see the Phase constants).
	Phase string `json:"phase"`
	// Done and Total count documents copied; Rate is documents a second
	// and ETASeconds the estimated time left of the copy.
	Done       int64      `json:"done"`
	Total      int64      `json:"total"`
	Rate       float64    `json:"rate"`
	ETASeconds float64    `json:"eta_seconds"`
	StartedBy  string     `json:"started_by"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Error      string     `json:"error,omitempty"`
	// From is the live version when the job started; Target the version
	// it builds (0 until created).
	From   int `json:"from_version"`
	Target int `json:"target_version,omitempty"`
	// Set is what the job applies (its Version is Target).
	Set Set `json:"set"`
	// Queries are checked on the new version before the swap.
	Queries []string `json:"queries,omitempty"`
	// Owner is the instance running the job.
	Owner string `json:"owner"`
	// CancelRequested names who asked for a cancel.
	CancelRequested string `json:"cancel_requested,omitempty"`
}

// Job kinds, states and phases.
const (
	KindApply    = "apply"
	KindRollback = "rollback"

	StateRunning   = "running"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
	StateCanceled  = "canceled"

	PhaseQueued    = "queued"
	PhaseCreating  = "creating"
	PhaseFollowing = "following"
	PhaseCopying   = "copying"
	PhaseCatchUp   = "catching_up"
	PhaseMerging   = "merging"
	PhaseVerifying = "verifying"
	PhaseSwapping  = "swapping"
	PhaseCleaning  = "cleaning_up"
	PhaseDone      = "done"
)

// Finished reports whether the job has ended.
func (j Job) Finished() bool { return j.State != StateRunning }
