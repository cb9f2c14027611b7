package tensorbox

// Handwritten runtime core: one call on the wire, with the retry, timeout and error policy of
// runtime-behaviour.md. The generated code describes each request (operation, path, query,
// headers, body) and hands it to config.do. The generator never touches this file.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// operation is what the spec says about one endpoint, as far as sending it is concerned.
type operation struct {
	method string
	// retrySafe: the spec marks the operation safe to retry (x-tensor-box-idempotency).
	retrySafe bool
	// idempotencyKeyHeader, when set, carries a key generated once per call unless given.
	idempotencyKeyHeader string
}

// call is one request before it goes on the wire.
type call struct {
	op *operation
	// path is already encoded; query is encoded, without the '?'.
	path, query string
	// header holds header parameters; empty values are not sent.
	header map[string]string
	// body is marshalled to JSON; nil sends no body (and no Content-Type).
	body any
	// secrets are values that must never reach an error or a log line (injected env values).
	secrets []string
}

const (
	backoffBase     = 500 * time.Millisecond
	backoffCap      = 8 * time.Second
	maxServerWait   = 60 * time.Second
	requestIDHeader = "X-Request-Id"
	retryHeader     = "X-Tensor-Box-Retry-Count"
)

// retryCounts are the X-Tensor-Box-Retry-Count values, made once.
var retryCounts = func() [][]string {
	out := make([][]string, maxMaxRetries+1)
	for i := range out {
		out[i] = []string{strconv.Itoa(i)}
	}
	return out
}()

// backoff is the wait before retry number attempt+1 when the server asked for none:
// 0.5 s × 2^attempt, capped at 8 s, less up to 25 % jitter so that clients spread out.
func backoff(attempt int) time.Duration {
	ceiling := backoffCap
	if attempt < 5 {
		ceiling = min(backoffBase<<attempt, backoffCap)
	}
	return time.Duration(float64(ceiling) * (1 - 0.25*mrand.Float64()))
}

// retryableStatus: timeouts, rate limits and server trouble are worth another attempt.
func retryableStatus(status int) bool {
	switch status {
	case 408, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// outcome is what one attempt ended with.
type outcome struct {
	err       error
	retryable bool
	// wait is what the server asked for, when asked is set.
	wait  time.Duration
	asked bool
}

// do sends r, retrying as the policy allows, and decodes a successful JSON answer into out
// (when out is not nil). The context covers every attempt and every wait between them.
func (c *config) do(ctx context.Context, r *call, out any) error {
	target := c.baseURL + r.path
	if r.query != "" {
		target += "?" + r.query
	}
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return &ConnectionError{Method: r.op.method, Path: r.path, reason: "the request body could not be encoded", err: err}
		}
	}
	// The config's prepared header (retry count 0) serves as it is when the call adds nothing to
	// it, the common case: a RoundTripper must not modify a request, so sharing it is safe.
	header, shared := c.header, true
	if len(r.header) > 0 || r.op.idempotencyKeyHeader != "" || payload != nil {
		header, shared = maps.Clone(c.header), false
		for name, value := range r.header {
			if value != "" {
				header.Set(name, value)
			}
		}
		if key := r.op.idempotencyKeyHeader; key != "" && header.Get(key) == "" {
			// Generated once per call, so that every retry carries the same key.
			header.Set(key, newIdempotencyKey())
		}
		if payload != nil {
			header["Content-Type"] = []string{"application/json"}
		}
	}
	retries := 0
	if r.op.retrySafe {
		retries = c.maxRetries
	}
	for attempt := 0; ; attempt++ {
		if c.ended(ctx) {
			return c.aborted(ctx, r, "")
		}
		if attempt > 0 {
			if shared {
				header, shared = maps.Clone(c.header), false
			}
			header[retryHeader] = retryCounts[min(attempt, len(retryCounts)-1)]
		}
		res := c.attempt(ctx, r, target, header, payload, attempt, out)
		if res.err == nil {
			return nil
		}
		if _, ok := res.err.(*UserAbortError); ok || !res.retryable || attempt >= retries {
			return res.err
		}
		wait := backoff(attempt)
		if res.asked {
			if res.wait > maxServerWait {
				// Waiting longer than a minute inside a call surprises callers more than an error
				// that says how long the server wants (APIError.RetryAfter).
				return res.err
			}
			wait = res.wait
		}
		c.logf("retrying %s %s in %v after: %v", r.op.method, r.path, wait, res.err)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return c.aborted(ctx, r, " while waiting to retry")
		case <-c.lifeDone():
			timer.Stop()
			return c.aborted(ctx, r, " while waiting to retry")
		case <-timer.C:
		}
	}
}

// attempt sends the request once, under the per-attempt timeout.
func (c *config) attempt(ctx context.Context, r *call, target string, header http.Header, payload []byte, attempt int, out any) outcome {
	actx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	if c.life != nil {
		// A disconnect cancels the attempt; registered per attempt rather than per call so
		// that contexts do not nest one level deeper on every call.
		defer context.AfterFunc(c.life, cancel)()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, r.op.method, target, body)
	if err != nil {
		return outcome{err: &ConnectionError{Method: r.op.method, Path: r.path, reason: c.redact(r, "the request could not be built: "+err.Error()), err: err}}
	}
	req.Header = header
	var started time.Time
	if c.logger != nil {
		started = time.Now()
		c.logf("→ %s %s (attempt %d) %s", r.op.method, c.redact(r, target), attempt+1, c.describe(r, header))
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return c.failed(ctx, actx, r, err)
	}
	// The body is read under the same timeout: a server that stalls mid-body is a timeout too.
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return c.failed(ctx, actx, r, err)
	}
	if c.logger != nil {
		c.logf("← %d %s %s in %v%s", resp.StatusCode, r.op.method, r.path, time.Since(started).Round(time.Microsecond), requestSuffix(resp.Header.Get(requestIDHeader)))
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil {
			if err := decodeJSON(data, out); err != nil {
				// Not retried: the same server would most likely answer the same way.
				return outcome{err: &ConnectionError{Method: r.op.method, Path: r.path, reason: err.Error(), err: err}}
			}
		}
		return outcome{}
	}
	wait, asked := retryAfter(resp.Header, time.Now())
	return outcome{
		err:       c.apiError(r, resp, data, wait),
		retryable: retryableStatus(resp.StatusCode),
		wait:      wait,
		asked:     asked,
	}
}

// decodeJSON reads a success body; anything but the expected JSON is a malformed answer.
func decodeJSON(data []byte, out any) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return fmt.Errorf("the response has no JSON value (%d bytes)", len(data))
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return fmt.Errorf("the response does not have the expected shape (%v)", err)
		}
		return fmt.Errorf("the response is not valid JSON (%d bytes)", len(data))
	}
	return nil
}

// failed turns a transport error into the error the caller gets.
func (c *config) failed(ctx, actx context.Context, r *call, err error) outcome {
	if c.ended(ctx) {
		return outcome{err: c.aborted(ctx, r, "")}
	}
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return outcome{
			err:       &ConnectionError{Method: r.op.method, Path: r.path, Timeout: true, reason: "no response within " + c.requestTimeout.String()},
			retryable: true,
		}
	}
	return outcome{
		err:       &ConnectionError{Method: r.op.method, Path: r.path, reason: c.redact(r, connectionReason(err)), err: err},
		retryable: true,
	}
}

// connectionReason names what happened in words, not as a Go error chain.
func connectionReason(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection before answering"
	case errors.As(err, &dnsErr):
		return "the host name could not be resolved"
	}
	return "connection failed (" + err.Error() + ")"
}

// ended reports whether the caller's context ended or the Sandbox was disconnected.
func (c *config) ended(ctx context.Context) bool {
	return ctx.Err() != nil || (c.life != nil && c.life.Err() != nil)
}

// lifeDone is the Sandbox's disconnect signal, or nil (never ready) for package-level calls.
func (c *config) lifeDone() <-chan struct{} {
	if c.life == nil {
		return nil
	}
	return c.life.Done()
}

func (c *config) aborted(ctx context.Context, r *call, while string) *UserAbortError {
	cause := context.Cause(ctx)
	if ctx.Err() == nil && c.life != nil {
		cause = context.Cause(c.life)
	}
	return &UserAbortError{msg: fmt.Sprintf("%s %s: cancelled%s (%v)", r.op.method, r.path, while, cause), cause: cause}
}

// apiError builds the error for an error status from the server's JSON error body, if any.
func (c *config) apiError(r *call, resp *http.Response, data []byte, wait time.Duration) *APIError {
	var payload struct {
		Code      any `json:"code"`
		Message   any `json:"message"`
		Detail    any `json:"detail"`
		RequestID any `json:"requestId"`
	}
	// A non-JSON error page (a proxy's HTML, say) keeps the status and reports no server message.
	_ = json.Unmarshal(data, &payload)
	message := stringOr(payload.Message, stringOr(payload.Detail, ""))
	return &APIError{
		StatusCode: resp.StatusCode,
		Code:       stringOr(payload.Code, ""),
		Message:    c.redact(r, message),
		RequestID:  stringOr(payload.RequestID, resp.Header.Get(requestIDHeader)),
		RetryAfter: wait,
		Header:     resp.Header,
		Method:     r.op.method,
		Path:       r.path,
	}
}

func stringOr(v any, fallback string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return fallback
}

// retryAfter is the wait a server asked for: Retry-After-Ms, else Retry-After as seconds or
// as an HTTP date. asked is false when it asked for nothing readable.
func retryAfter(h http.Header, now time.Time) (wait time.Duration, asked bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

// redact removes the API key and the call's secrets from text that may reach an error or a
// log: a server or proxy that echoes them must not make the SDK print them. Values shorter
// than 4 bytes are left alone (replacing every "a" would garble messages and hide nothing).
func (c *config) redact(r *call, text string) string {
	secrets := append([]string{c.apiKey}, r.secrets...)
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	for _, s := range secrets {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, "***")
		}
	}
	return text
}

// describe lists the request headers for a debug line, the API key masked.
func (c *config) describe(r *call, h http.Header) string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		value := strings.Join(h[name], ", ")
		if strings.EqualFold(name, apiKeyHeader) {
			value = "***"
		}
		parts = append(parts, name+": "+value)
	}
	return c.redact(r, strings.Join(parts, "; "))
}

// logf writes a debug line when debug logging is on (and does nothing on a nil config).
func (c *config) logf(format string, args ...any) {
	if c != nil && c.logger != nil {
		c.logger.Printf("[tensor-box] "+format, args...)
	}
}

// hasStatus reports whether status is one of statuses.
func hasStatus(status int, statuses ...int) bool {
	for _, s := range statuses {
		if s == status {
			return true
		}
	}
	return false
}

// secretValues lists the values of maps whose values are secrets (injected env values).
func secretValues(maps ...map[string]string) []string {
	var out []string
	for _, m := range maps {
		for _, v := range m {
			out = append(out, v)
		}
	}
	return out
}

func requestSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " (request " + id + ")"
}

// newIdempotencyKey returns a random UUID (version 4).
func newIdempotencyKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// Only possible before Go 1.24; a key need not be secret, only unlikely to repeat.
		for i := range b {
			b[i] = byte(mrand.Uint32())
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
