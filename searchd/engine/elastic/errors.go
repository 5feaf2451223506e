package elastic

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	es "github.com/olivere/elastic/v7"

	"github.com/searchd/searchd/searchd/engine"
)

// translate maps an error of an Elasticsearch call to searchd's codes at
// the edge: context errors pass through, 404 is NotFound, 400 Invalid with
// Elasticsearch's reason, 409 Conflict, 429 and 5xx Unavailable, and a
// transport failure (no node answered) Unavailable.
func translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ee *es.Error
	if errors.As(err, &ee) {
		reason := reasonOf(ee.Details)
		switch {
		case ee.Status == http.StatusNotFound:
			return engine.Errorf(engine.NotFound, "%s: %s", op, reason)
		case ee.Status == http.StatusBadRequest:
			return engine.Errorf(engine.Invalid, "%s: %s", op, reason)
		case ee.Status == http.StatusConflict:
			return engine.Errorf(engine.Conflict, "%s: %s", op, reason)
		case ee.Status == http.StatusUnauthorized || ee.Status == http.StatusForbidden:
			// searchd's credentials, not the user's: an operator problem.
			return fmt.Errorf("elastic: %s: HTTP %d: %s", op, ee.Status, reason)
		case ee.Status == http.StatusTooManyRequests || ee.Status >= 500:
			return engine.WithCause(err, engine.EngineUnavailable, "the search engine (Elasticsearch) answered HTTP %d to %s", ee.Status, op)
		}
		return fmt.Errorf("elastic: %s: HTTP %d: %s", op, ee.Status, reason)
	}
	// No HTTP answer at all: connection refused, timeout, no live node. The
	// transport error names the node's URL: it goes to the log only.
	return engine.WithCause(err, engine.EngineUnavailable, "the search engine (Elasticsearch) is unreachable (%s)", op)
}

// reasonOf prefers the most specific reason Elasticsearch gave.
func reasonOf(d *es.ErrorDetails) string {
	if d == nil {
		return "no details"
	}
	reason := d.Reason
	if len(d.RootCause) > 0 && d.RootCause[0] != nil && d.RootCause[0].Reason != "" && d.RootCause[0].Reason != reason {
		reason = d.RootCause[0].Reason
	}
	if cb, ok := d.CausedBy["reason"].(string); ok && cb != "" && cb != reason {
		reason += ": " + cb
	}
	if reason == "" {
		reason = d.Type
	}
	return reason
}

// itemError maps one failed bulk item to an item result: 4xx other than
// 429 means the document itself was rejected (Invalid, not retried);
// anything else is the cluster's trouble (Unavailable).
func itemError(id string, status int, d *es.ErrorDetails) engine.ItemResult {
	code := engine.EngineUnavailable
	switch {
	case status == http.StatusConflict:
		// External versions (follow.go): a newer write of the id is stored.
		code = engine.Conflict
	case status >= 400 && status < 500 && status != http.StatusTooManyRequests:
		code = engine.Invalid
	}
	msg := reasonOf(d)
	if d != nil && d.Type != "" {
		msg = d.Type + ": " + msg
	}
	return engine.ItemResult{ID: id, Status: status, Error: &engine.Error{Code: code, Message: fmt.Sprintf("document %q: %s", id, msg)}}
}

// failed is the item result of a document searchd rejected or could not
// send.
func failed(id string, err error) engine.ItemResult {
	code := engine.ErrorCode(err)
	status := http.StatusInternalServerError
	switch code {
	case engine.Invalid:
		status = http.StatusBadRequest
	case engine.Unavailable, engine.EngineUnavailable:
		status = http.StatusServiceUnavailable
	}
	return engine.ItemResult{ID: id, Status: status, Error: &engine.Error{Code: code, Message: engine.ErrorMessage(err)}}
}
