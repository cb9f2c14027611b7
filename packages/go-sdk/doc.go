// Package tensorbox is the Go SDK of tensor-box: create, connect to, list, pause and resume,
// time out, keep alive and kill cloud sandboxes, and read their information, metrics and logs.
//
// It uses the standard library only, takes a context.Context first in every call, and shows
// durations as time.Duration (the API's milliseconds stay on the wire).
//
//	sbx, err := tensorbox.Create(ctx, "default", &tensorbox.CreateOptions{
//		Timeout:  60 * time.Second,
//		Metadata: map[string]string{"userId": "123"},
//	})
//	if err != nil {
//		return err
//	}
//	defer sbx.Kill(ctx)
//	if err := sbx.Pause(ctx); err != nil {
//		return err
//	}
//
// # Configuration
//
// Every call takes Options (embedded in its own options type where it has one). An option set
// there wins over the environment ($TENSOR_BOX_DOMAIN, $TENSOR_BOX_API_KEY, $TENSOR_BOX_DEBUG),
// which wins over the defaults (https://app.tos.run, 60 s per attempt, 2 retries). A Sandbox
// keeps the Options it was created or connected with. Options are variadic only so that they
// can be left out: pass at most one.
//
// # Retries and time limits
//
// Requests the spec marks safe to retry are retried after connection errors, per-attempt
// timeouts and the statuses 408, 429, 500, 502, 503 and 504, waiting 0.5 s × 2^attempt (at most
// 8 s, with jitter) or what the server asks for in Retry-After or Retry-After-Ms. A server
// that asks for more than 60 s gets its error returned at once, with APIError.RetryAfter. Create
// sends an Idempotency-Key, the same on every attempt, so a retried create never makes two
// sandboxes. Options.RequestTimeout limits one attempt; the context limits the whole call,
// waits between attempts included.
//
// # Errors
//
// Arguments are checked before any request: a refused one is an *InvalidArgumentError. An
// error status from the server is an *APIError; a missing or unusable answer is a
// *ConnectionError; a cancelled context or a disconnected Sandbox is a *UserAbortError. Tell
// the classes apart with errors.Is and the sentinels (ErrNotFound, ErrConflict, ErrRateLimited,
// ErrConnectionTimeout, …), and read the details with errors.As. No error, log line or debug
// output contains the API key or the value of an injected environment variable.
//
// # Open enums
//
// SandboxState, OnTimeout, LogLevel and LogSource are string types with constants for the
// values this version knows; a newer server's value passes through unchanged (see Known).
package tensorbox
