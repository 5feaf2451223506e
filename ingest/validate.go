package ingest

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// Validate checks that ev fits the log schema and its limits, as Cap
// guarantees. The embedded store rejects events that do not, as
// Elasticsearch's strict mapping rejects what does not fit it; an event that
// reached the queue without Cap (an old producer, a bug) is dead-lettered
// instead of stored.
func Validate(ev LogEvent) error {
	switch {
	case !validEventID(ev.ID):
		return fmt.Errorf("event_id %q is not 1 to %d characters of [A-Za-z0-9_-]", ev.ID, MaxEventIDLen)
	case ev.Timestamp.IsZero():
		return fmt.Errorf("timestamp is missing")
	case ev.Total < 0:
		return fmt.Errorf("total %d is negative", ev.Total)
	case ev.Page < 0 || ev.Page > MaxPageOrSize || ev.Size < 0 || ev.Size > MaxPageOrSize:
		return fmt.Errorf("page %d or size %d is outside 0..%d", ev.Page, ev.Size, MaxPageOrSize)
	case ev.TookMillis < 0 || math.IsNaN(ev.TookMillis) || math.IsInf(ev.TookMillis, 0):
		return fmt.Errorf("took_ms %v is not a duration", ev.TookMillis)
	case len(ev.Filters) > MaxFilters:
		return fmt.Errorf("%d filters; at most %d", len(ev.Filters), MaxFilters)
	case len(ev.Context) > MaxContextKeys || len(ev.ContextKV) > MaxContextKeys:
		return fmt.Errorf("context has more than %d keys", MaxContextKeys)
	}
	for name, s := range map[string]string{"query": ev.Query, "query_key": ev.QueryKey,
		"normalized": ev.Normalized, "canonical": ev.Canonical, "corrected": ev.Corrected} {
		if err := checkString(name, s, MaxQueryTextLen); err != nil {
			return err
		}
	}
	for name, s := range map[string]string{"sort": ev.Sort, "match": ev.Match, "ua_family": ev.UAFamily} {
		if err := checkString(name, s, MaxShortLen); err != nil {
			return err
		}
	}
	for name, s := range map[string]string{"session_hash": ev.SessionHash, "user_hash": ev.UserHash, "client_net": ev.ClientNet} {
		if err := checkString(name, s, 64); err != nil {
			return err
		}
	}
	for _, f := range ev.Filters {
		if err := checkString("filters", f, MaxFilterLen); err != nil {
			return err
		}
	}
	for _, kv := range ev.ContextKV {
		if err := checkString("context_kv", kv, MaxContextKeyLen+1+MaxContextValLen); err != nil {
			return err
		}
	}
	for k, v := range ev.Context {
		if !validKey(k) {
			return fmt.Errorf("context key %q does not match ^[a-z][a-z0-9_]{0,31}$", k)
		}
		if s, ok := v.(string); ok {
			if err := checkString("context."+k, s, MaxContextValLen); err != nil {
				return err
			}
		} else if _, _, err := scalar(v); err != nil {
			return fmt.Errorf("context value of %q is %v", k, err)
		}
	}
	return nil
}

func checkString(name, s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", name)
	}
	if len(s) > max && utf8.RuneCountInString(s) > max {
		return fmt.Errorf("%s is longer than %d characters", name, max)
	}
	return nil
}
