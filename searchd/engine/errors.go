package engine

import (
	"context"
	"errors"
	"fmt"
)

// Code classifies errors; the API maps each code to an HTTP status.
type Code string

const (
	Invalid      Code = "invalid_argument"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	TooLarge     Code = "too_large"
	Unauthorized Code = "unauthorized"
	Unavailable  Code = "unavailable"
	Canceled     Code = "canceled"
	Internal     Code = "internal"
	// TooManyRequests: the client must wait (Retry-After) — failed
	// authentication from its address or too many bulk requests at once.
	TooManyRequests Code = "too_many_requests"
	// Timeout: the request did not finish within its deadline (which is
	// below the server's write timeout, so the client gets this answer).
	Timeout Code = "timeout"
	// EngineTimeout: the search engine did not answer within the search
	// deadline (a hung node).
	EngineTimeout Code = "engine_timeout"
	// EngineUnavailable: the search engine cannot be reached or refuses
	// work (down, overloaded, not connected yet). Adapters return it.
	EngineUnavailable Code = "engine_unavailable"
)

// Error is searchd's error: a code and a message fit to show a user.
// Adapters translate backend errors into it at their edges.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Cause is the backend's own error, for the log only: it may name
	// internal hosts and URLs, so it is never shown to a client.
	Cause error `json:"-"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// WithCause returns an *Error with the given code and message that keeps
// cause for the log.
func WithCause(cause error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Cause: cause}
}

// Errorf builds an *Error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, Canceled
// for context errors, Internal otherwise, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Canceled
	}
	return Internal
}

// ErrorMessage returns the user-facing message of err; internal errors get
// a generic message (they are logged, not shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if ErrorCode(err) == Canceled {
		return "the request was canceled"
	}
	return "internal error"
}
