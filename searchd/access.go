package main

import (
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/api"
)

// Environments (-env): development is what `go run ./searchd` gives, open
// for document writes; production refuses to start without tokens.
const (
	envDevelopment = "development"
	envProduction  = "production"
)

// validateAccess checks -env and the tokens: a token that is set must be
// usable in any environment (a short or whitespace token is an error, never
// "enabled"); production needs both, and they must differ.
func (c config) validateAccess() []error {
	var errs []error
	tokens := []struct{ flag, env, value string }{
		{"-admin-token", "SEARCHD_ADMIN_TOKEN", c.AdminToken},
		{"-write-token", "SEARCHD_WRITE_TOKEN", c.WriteToken},
	}
	switch c.Env {
	case envDevelopment, envProduction:
	default:
		errs = append(errs, fmt.Errorf("-env %q: want development or production (SEARCHD_ENV)", c.Env))
	}
	for _, t := range tokens {
		switch {
		case t.value != "":
			if err := api.CheckToken(t.flag, t.env, t.value); err != nil {
				errs = append(errs, err)
			}
		case c.Env == envProduction:
			errs = append(errs, fmt.Errorf("-env production needs %s: set %s or %s to a random string of at least %d bytes, e.g. `openssl rand -hex 32`",
				t.flag[1:], t.flag, t.env, api.MinTokenBytes))
		}
	}
	if c.AdminToken != "" && c.AdminToken == c.WriteToken {
		errs = append(errs, errors.New("-admin-token and -write-token must differ: a leaked write token would otherwise open the admin API"))
	}
	return errs
}

// logAccess says at start who may do what.
func logAccess(cfg config, log *zap.Logger) {
	if cfg.WriteToken == "" {
		log.Warn("document writes are UNAUTHENTICATED: anyone who can reach this port may add or delete documents (development mode); set -write-token or run with -env production",
			zap.String("env", cfg.Env))
	}
	if cfg.AdminToken == "" {
		log.Warn("the admin API is disabled: no admin token is configured (-admin-token)")
	}
}
