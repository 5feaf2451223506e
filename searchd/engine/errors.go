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
)

// Error is searchd's error: a code and a message fit to show a user.
// Adapters translate backend errors into it at their edges.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

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
