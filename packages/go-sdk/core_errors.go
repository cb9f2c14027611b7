package tensorbox

// Handwritten runtime core: the error hierarchy of runtime-behaviour.md in Go's idiom — one
// *APIError type plus sentinels for errors.Is. The generator never touches this file.

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinels, one per error class shared by every tensor-box SDK. Test for them with errors.Is;
// use errors.As with *APIError, *InvalidArgumentError, *ConnectionError or *UserAbortError for
// the details.
var (
	// ErrInvalidArgument matches an *InvalidArgumentError: the SDK refused the arguments before sending any request.
	ErrInvalidArgument = errors.New("tensorbox: invalid argument")
	// ErrAPI matches every *APIError: the server answered with an error status (any of the next eight, or another 4xx).
	ErrAPI = errors.New("tensorbox: API error")
	// ErrBadRequest matches an *APIError with status 400.
	ErrBadRequest = errors.New("tensorbox: bad request")
	// ErrAuthentication matches status 401: the API key is missing or not valid.
	ErrAuthentication = errors.New("tensorbox: authentication failed")
	// ErrPermissionDenied matches status 403: the API key may not do this.
	ErrPermissionDenied = errors.New("tensorbox: permission denied")
	// ErrNotFound matches status 404: no such sandbox for this API key.
	ErrNotFound = errors.New("tensorbox: not found")
	// ErrConflict matches status 409: the sandbox is not in a state that allows the call.
	ErrConflict = errors.New("tensorbox: conflict")
	// ErrUnprocessableEntity matches status 422: the request is well-formed but cannot be done.
	ErrUnprocessableEntity = errors.New("tensorbox: unprocessable entity")
	// ErrRateLimited matches status 429; APIError.RetryAfter says how long the server asked to wait.
	ErrRateLimited = errors.New("tensorbox: rate limited")
	// ErrInternalServer matches a status of 500 or more.
	ErrInternalServer = errors.New("tensorbox: internal server error")
	// ErrConnection matches a *ConnectionError: no usable answer (refused, reset, DNS, a malformed response body), or an
	// attempt that timed out.
	ErrConnection = errors.New("tensorbox: connection error")
	// ErrConnectionTimeout matches a *ConnectionError whose attempt took longer than
	// Options.RequestTimeout (such an error also matches ErrConnection).
	ErrConnectionTimeout = errors.New("tensorbox: connection timeout")
	// ErrUserAbort matches a *UserAbortError: the caller's context ended, or the Sandbox was disconnected.
	ErrUserAbort = errors.New("tensorbox: cancelled")
)

// statusSentinel is the sentinel of one status, or nil for a status without its own class.
func statusSentinel(status int) error {
	switch {
	case status == http.StatusBadRequest:
		return ErrBadRequest
	case status == http.StatusUnauthorized:
		return ErrAuthentication
	case status == http.StatusForbidden:
		return ErrPermissionDenied
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusUnprocessableEntity:
		return ErrUnprocessableEntity
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500:
		return ErrInternalServer
	}
	return nil
}

// APIError is the server's answer with an error status. Its message reads like
//
//	POST /sandboxes/sbx_123/pause → 409 Conflict: sandbox is already paused (request req_abc)
//
// errors.Is(err, ErrAPI) holds for every APIError, and errors.Is(err, ErrConflict) (and so on)
// for its status.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the server's machine-readable error code, such as "sandbox_not_found".
	Code string
	// Message is the server's own message, without the request line.
	Message string
	// RequestID identifies the request for support.
	RequestID string
	// RetryAfter is the wait the server asked for (Retry-After or Retry-After-Ms), or zero.
	RetryAfter time.Duration
	// Header holds the response headers.
	Header http.Header
	// Method and Path are the request's, the path as sent (encoded, without the query).
	Method, Path string
}

// Error returns the request line, the status and the server's message.
func (e *APIError) Error() string {
	text := http.StatusText(e.StatusCode)
	if text == "" {
		text = "Error"
	}
	msg := fmt.Sprintf("%s %s → %d %s", e.Method, e.Path, e.StatusCode, text)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.RequestID != "" {
		msg += " (request " + e.RequestID + ")"
	}
	return msg
}

// Is reports whether target is ErrAPI or the sentinel of this error's status.
func (e *APIError) Is(target error) bool {
	return target == ErrAPI || (target != nil && target == statusSentinel(e.StatusCode))
}

// InvalidArgumentError says which argument the SDK refused, before any request was sent.
// errors.Is(err, ErrInvalidArgument) holds for it.
type InvalidArgumentError struct {
	// Argument is the argument at fault, as Go code names it: a parameter ("sandboxID",
	// "timeout") or an options field, as a path ("Timeout", "Lifecycle.OnTimeout", "State[1]").
	Argument string
	msg      string
}

// Error names the call, the argument, what is allowed and (unless secret) the value given.
func (e *InvalidArgumentError) Error() string { return e.msg }

// Is reports whether target is ErrInvalidArgument.
func (e *InvalidArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

// ConnectionError means no usable answer arrived: the connection was refused or reset, the
// host name did not resolve, the response body was malformed, or (Timeout) an attempt took
// longer than Options.RequestTimeout. errors.Is(err, ErrConnection) holds for it, and
// errors.Is(err, ErrConnectionTimeout) when Timeout is set.
type ConnectionError struct {
	// Method and Path are the request's, the path as sent.
	Method, Path string
	// Timeout is set when an attempt ran out of time.
	Timeout bool
	reason  string
	err     error
}

// Error names the request and what went wrong.
func (e *ConnectionError) Error() string { return e.Method + " " + e.Path + ": " + e.reason }

// Unwrap returns the transport's error, if there was one.
func (e *ConnectionError) Unwrap() error { return e.err }

// Is reports whether target is ErrConnection, or ErrConnectionTimeout for a timeout.
func (e *ConnectionError) Is(target error) bool {
	return target == ErrConnection || (e.Timeout && target == ErrConnectionTimeout)
}

// UserAbortError means the call was cancelled: its context ended (cancelled or past its
// deadline; Unwrap gives the context's cause) or the Sandbox was disconnected.
// errors.Is(err, ErrUserAbort) holds for it.
type UserAbortError struct {
	msg   string
	cause error
}

// Error says what was cancelled and why.
func (e *UserAbortError) Error() string { return e.msg }

// Unwrap returns the cause: context.Canceled, context.DeadlineExceeded, or a context's cause.
func (e *UserAbortError) Unwrap() error { return e.cause }

// Is reports whether target is ErrUserAbort.
func (e *UserAbortError) Is(target error) bool { return target == ErrUserAbort }
