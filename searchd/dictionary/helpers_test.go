package dictionary_test

import "github.com/searchd/searchd/searchd/engine"

func entry(target string) engine.AuditEntry {
	return engine.AuditEntry{Actor: "kim", Action: "dictionary.apply", Target: target, Outcome: engine.OutcomeOK}
}
