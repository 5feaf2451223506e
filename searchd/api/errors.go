package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// StatusClientClosedRequest is nginx's non-standard status for a request
// whose client went away before the answer was ready.
const StatusClientClosedRequest = 499

// HTTPStatus is the one table from error codes to HTTP status codes.
func HTTPStatus(code engine.Code) int {
	switch code {
	case engine.Invalid:
		return http.StatusBadRequest
	case engine.NotFound:
		return http.StatusNotFound
	case engine.Conflict:
		return http.StatusConflict
	case engine.TooLarge:
		return http.StatusRequestEntityTooLarge
	case engine.Unauthorized:
		return http.StatusUnauthorized
	case engine.Unavailable, engine.EngineUnavailable:
		return http.StatusServiceUnavailable
	case engine.TooManyRequests:
		return http.StatusTooManyRequests
	case engine.Timeout, engine.EngineTimeout:
		return http.StatusGatewayTimeout
	case engine.Canceled:
		return StatusClientClosedRequest
	default:
		return http.StatusInternalServerError
	}
}

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error engine.Error `json:"error"`
}

// fail answers a request with err: its code picks the status from the
// table, internal errors are logged once (with the request id) and shown
// as a generic message.
func (s *Server) fail(c *gin.Context, err error) {
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		err = engine.Errorf(engine.TooLarge, "the request body is larger than %d bytes", maxBytes.Limit)
	}
	err = s.requestErr(c, err)
	code := engine.ErrorCode(err)
	c.Set(ctxKeyErrorCode, string(code))
	switch status := HTTPStatus(code); {
	case code == engine.Internal:
		s.log.Error("internal error",
			zap.String("request_id", requestID(c)),
			zap.String("route", routeOf(c)),
			zap.Error(err))
	case status >= 500 && errors.Unwrap(err) != nil:
		// The cause (which may name internal hosts) is for the log only.
		s.log.Warn("request failed", zap.String("request_id", requestID(c)),
			zap.String("route", routeOf(c)), zap.String("code", string(code)), zap.Error(errors.Unwrap(err)))
	}
	c.AbortWithStatusJSON(HTTPStatus(code), ErrorBody{Error: engine.Error{Code: code, Message: engine.ErrorMessage(err)}})
}

// invalid answers 400 with a message.
func (s *Server) invalid(c *gin.Context, format string, args ...any) {
	s.fail(c, engine.Errorf(engine.Invalid, format, args...))
}
