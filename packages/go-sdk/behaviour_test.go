package tensorbox_test

// Retry, timeout, error, configuration and secrecy behaviour (runtime-behaviour.md), against
// httptest servers whose answers each test scripts.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tensorbox "github.com/tensor-box/tensor-box/packages/go-sdk"
)

const testKey = "tb_test_behaviour_key"

const infoJSON = `{"sandboxId":"sbx_1","templateId":"default","state":"running","startedAt":"2026-11-29T10:00:00Z",
"endAt":"2026-11-29T10:01:00Z","cpuCount":2,"memoryMB":2048,"diskGB":40,"metadata":{},"lifecycle":{"onTimeout":"kill","autoResume":false}}`

// script is an httptest server that answers the n-th request with the n-th step (the last
// step repeats) and records every request.
type script struct {
	t        *testing.T
	server   *httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
	steps    []func(w http.ResponseWriter, r *http.Request)
}

func newScript(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) *script {
	s := &script{t: t, steps: steps}
	s.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, r)
		s.bodies = append(s.bodies, string(body))
		s.mu.Unlock()
		s.steps[min(n, len(s.steps)-1)](w, r)
	}))
	t.Cleanup(s.server.Close)
	return s
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *script) opts() tensorbox.Options {
	return tensorbox.Options{Domain: s.server.URL, APIKey: testKey}
}

func status(code int, headers ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"code":"c%d","message":"status %d","requestId":"req_%d"}`, code, code, code)
	}
}

func reply(code int, body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func TestRetriesSafeCallsWithTheSameIdempotencyKey(t *testing.T) {
	s := newScript(t, status(503, "Retry-After-Ms", "5"), status(502, "Retry-After", "0"), reply(201, infoJSON))
	sbx, err := tensorbox.Create(context.Background(), "default", &tensorbox.CreateOptions{Options: s.opts()})
	if err != nil || sbx.ID() != "sbx_1" {
		t.Fatalf("create after two retries: %v", err)
	}
	if s.count() != 3 {
		t.Fatalf("want 3 attempts, got %d", s.count())
	}
	key := s.requests[0].Header.Get("Idempotency-Key")
	if len(key) != 36 {
		t.Fatalf("idempotency key %q is not a UUID", key)
	}
	for i, r := range s.requests {
		if got := r.Header.Get("Idempotency-Key"); got != key {
			t.Errorf("attempt %d: Idempotency-Key %q, want the first attempt's %q", i, got, key)
		}
		if got := r.Header.Get("X-Tensor-Box-Retry-Count"); got != fmt.Sprint(i) {
			t.Errorf("attempt %d: X-Tensor-Box-Retry-Count %q", i, got)
		}
		if s.bodies[i] != `{"templateId":"default"}` {
			t.Errorf("attempt %d: body %q", i, s.bodies[i])
		}
	}
	// A second call gets a new key.
	if _, err := tensorbox.Create(context.Background(), "default", &tensorbox.CreateOptions{Options: s.opts()}); err != nil {
		t.Fatal(err)
	}
	if s.requests[3].Header.Get("Idempotency-Key") == key {
		t.Error("a new call reused the previous call's idempotency key")
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	s := newScript(t, status(500, "Retry-After-Ms", "1"))
	o := s.opts()
	o.MaxRetries = tensorbox.Ptr(3)
	err := tensorbox.PauseByID(context.Background(), "sbx_1", &o)
	if !errors.Is(err, tensorbox.ErrInternalServer) || s.count() != 4 {
		t.Fatalf("want 4 attempts then an InternalServerError, got %d attempts, %v", s.count(), err)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409, 422} {
		s := newScript(t, status(code, "Retry-After-Ms", "1"))
		err := tensorbox.KillByID(context.Background(), "sbx_1", ptr(s.opts()))
		var apiErr *tensorbox.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != code || s.count() != 1 {
			t.Errorf("%d: want one attempt and an APIError, got %d attempts, %v", code, s.count(), err)
		}
	}
	for _, code := range []int{408, 429, 500, 502, 503, 504} {
		s := newScript(t, status(code, "Retry-After-Ms", "1"), reply(204, ""))
		if err := tensorbox.KillByID(context.Background(), "sbx_1", ptr(s.opts())); err != nil || s.count() != 2 {
			t.Errorf("%d: want a retry then success, got %d attempts, %v", code, s.count(), err)
		}
	}
}

func TestDefaultBackoffWaitsHalfASecondFirst(t *testing.T) {
	s := newScript(t, status(503), reply(204, ""))
	started := time.Now()
	if err := tensorbox.PauseByID(context.Background(), "sbx_1", ptr(s.opts())); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(started); waited < 375*time.Millisecond || waited > 3*time.Second {
		t.Errorf("first back-off took %v, want 0.5 s less up to 25 %% jitter", waited)
	}
}

func TestRetryAfterAboveAMinuteFailsAtOnce(t *testing.T) {
	s := newScript(t, status(429, "Retry-After", "120"))
	started := time.Now()
	err := tensorbox.PauseByID(context.Background(), "sbx_1", ptr(s.opts()))
	var apiErr *tensorbox.APIError
	if !errors.Is(err, tensorbox.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 120*time.Second {
		t.Fatalf("want a RateLimitError with RetryAfter 2m0s, got %v", err)
	}
	if s.count() != 1 || time.Since(started) > time.Second {
		t.Errorf("want one attempt and no wait, got %d attempts in %v", s.count(), time.Since(started))
	}
}

func TestServerRetryAfterIsHonoured(t *testing.T) {
	s := newScript(t, status(429, "Retry-After-Ms", "150"), reply(204, ""))
	started := time.Now()
	if err := tensorbox.PauseByID(context.Background(), "sbx_1", ptr(s.opts())); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(started); waited < 150*time.Millisecond {
		t.Errorf("waited %v, the server asked for 150ms", waited)
	}
}

func slow(d time.Duration, then func(w http.ResponseWriter, r *http.Request)) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		then(w, r)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	s := newScript(t, slow(2*time.Second, reply(200, infoJSON)))
	o := s.opts()
	o.RequestTimeout = 50 * time.Millisecond
	o.MaxRetries = tensorbox.Ptr(0)
	_, err := tensorbox.GetInfoByID(context.Background(), "sbx_1", &o)
	var connErr *tensorbox.ConnectionError
	if !errors.Is(err, tensorbox.ErrConnectionTimeout) || !errors.Is(err, tensorbox.ErrConnection) || !errors.As(err, &connErr) || !connErr.Timeout {
		t.Fatalf("want a connection timeout, got %v", err)
	}
	if errors.Is(err, tensorbox.ErrUserAbort) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a per-attempt timeout must not look like the caller's deadline: %v", err)
	}
	if want := "GET /sandboxes/sbx_1: no response within 50ms"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}

	// A timed-out attempt is retried.
	s = newScript(t, slow(2*time.Second, reply(200, infoJSON)), reply(200, infoJSON))
	o = s.opts()
	o.RequestTimeout = 50 * time.Millisecond
	if _, err := tensorbox.GetInfoByID(context.Background(), "sbx_1", &o); err != nil || s.count() != 2 {
		t.Fatalf("want a retry after the timeout, got %d attempts, %v", s.count(), err)
	}
}

func TestContextCoversRetriesAndBackoff(t *testing.T) {
	// The server asks for a 5 s wait; the caller's context allows 150 ms in all.
	s := newScript(t, status(503, "Retry-After", "5"))
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	started := time.Now()
	err := tensorbox.PauseByID(ctx, "sbx_1", ptr(s.opts()))
	if !errors.Is(err, tensorbox.ErrUserAbort) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a user abort caused by the deadline, got %v", err)
	}
	if waited := time.Since(started); waited > 2*time.Second {
		t.Errorf("the call outlived its context: %v", waited)
	}
	if !strings.Contains(err.Error(), "while waiting to retry") {
		t.Errorf("message %q should say the wait was cut short", err)
	}

	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	before := s.count()
	if err := tensorbox.PauseByID(cancelled, "sbx_1", ptr(s.opts())); !errors.Is(err, context.Canceled) || s.count() != before {
		t.Errorf("a cancelled context must send nothing: %v, %d requests", err, s.count()-before)
	}
}

func TestConnectionErrorsSayWhatHappened(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	o := tensorbox.Options{Domain: "http://" + addr, APIKey: testKey, MaxRetries: tensorbox.Ptr(0)}
	err = tensorbox.KillByID(context.Background(), "sbx_1", &o)
	if !errors.Is(err, tensorbox.ErrConnection) || err.Error() != "DELETE /sandboxes/sbx_1: connection refused" {
		t.Errorf("refused: got %v", err)
	}

	reset := newScript(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	err = tensorbox.KillByID(context.Background(), "sbx_1", ptr(reset.opts()), nil)
	if !errors.Is(err, tensorbox.ErrInvalidArgument) {
		t.Errorf("two options values must be refused, got %v", err)
	}
	ro := reset.opts()
	ro.MaxRetries = tensorbox.Ptr(1)
	err = tensorbox.KillByID(context.Background(), "sbx_1", &ro)
	if !errors.Is(err, tensorbox.ErrConnection) || errors.Is(err, tensorbox.ErrConnectionTimeout) || reset.count() != 2 {
		t.Errorf("a dropped connection is a retried connection error: %d attempts, %v", reset.count(), err)
	}
	if strings.Contains(err.Error(), "timed out") || strings.Contains(err.Error(), "timeout") {
		t.Errorf("a dropped connection is not a timeout: %v", err)
	}
}

func TestMalformedAnswersAreConnectionErrors(t *testing.T) {
	for _, body := range []string{"<html>oops</html>", "", "null", `[1,2]`} {
		s := newScript(t, reply(200, body))
		_, err := tensorbox.GetInfoByID(context.Background(), "sbx_1", ptr(s.opts()))
		if !errors.Is(err, tensorbox.ErrConnection) || s.count() != 1 {
			t.Errorf("body %q: want one attempt and a connection error, got %d, %v", body, s.count(), err)
		}
	}
}

func TestAPIErrorFields(t *testing.T) {
	s := newScript(t, reply(409, `{"code":"sandbox_not_running","message":"sandbox is already paused","requestId":"req_9"}`))
	err := tensorbox.PauseByID(context.Background(), "sbx 1", ptr(s.opts()))
	var apiErr *tensorbox.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want an APIError, got %v", err)
	}
	if apiErr.StatusCode != 409 || apiErr.Code != "sandbox_not_running" || apiErr.Message != "sandbox is already paused" || apiErr.RequestID != "req_9" {
		t.Errorf("fields: %+v", apiErr)
	}
	if want := "POST /sandboxes/sbx%201/pause → 409 Conflict: sandbox is already paused (request req_9)"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if !errors.Is(err, tensorbox.ErrConflict) || !errors.Is(err, tensorbox.ErrAPI) || errors.Is(err, tensorbox.ErrNotFound) || errors.Is(err, tensorbox.ErrConnection) {
		t.Error("errors.Is matches the wrong sentinels")
	}

	// A proxy's HTML page: the status stays, the request ID comes from the header.
	s = newScript(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req_proxy")
		w.WriteHeader(502)
		io.WriteString(w, "<html>bad gateway</html>")
	})
	o := s.opts()
	o.MaxRetries = tensorbox.Ptr(0)
	err = tensorbox.PauseByID(context.Background(), "sbx_1", &o)
	if want := "POST /sandboxes/sbx_1/pause → 502 Bad Gateway (request req_proxy)"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestHeadersOfEveryRequest(t *testing.T) {
	s := newScript(t, reply(200, infoJSON))
	o := s.opts()
	o.Headers = map[string]string{"X-Client": "1", "X-Both": "client", "X-Api-Key": "stolen"}
	sbx, err := tensorbox.Connect(context.Background(), "sbx_1", &tensorbox.ConnectOptions{Options: o})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sbx.GetInfo(context.Background(), &tensorbox.Options{Headers: map[string]string{"X-Both": "call"}}); err != nil {
		t.Fatal(err)
	}
	r := s.requests[1]
	want := map[string]string{
		"User-Agent":               "tensor-box-go/" + tensorbox.Version,
		"X-Tensor-Box-Lang":        "go",
		"X-Tensor-Box-Version":     tensorbox.Version,
		"X-Tensor-Box-Retry-Count": "0",
		"X-Api-Key":                testKey,
		"X-Client":                 "1",
		"X-Both":                   "call",
		"Accept":                   "application/json",
	}
	for name, value := range want {
		if got := r.Header.Values(name); len(got) != 1 || got[0] != value {
			t.Errorf("header %s: %q, want %q", name, got, value)
		}
	}
	if rt := r.Header.Get("X-Tensor-Box-Runtime"); !strings.HasPrefix(rt, "go/1.") {
		t.Errorf("X-Tensor-Box-Runtime %q", rt)
	}
	if r.Header.Get("Content-Type") != "" || r.ContentLength > 0 {
		t.Errorf("a GET must carry no body")
	}
}

func TestConfigurationResolution(t *testing.T) {
	s := newScript(t, reply(204, ""))
	t.Setenv("TENSOR_BOX_DOMAIN", s.server.URL)
	t.Setenv("TENSOR_BOX_API_KEY", "tb_from_env")
	if err := tensorbox.KillByID(context.Background(), "sbx_1"); err != nil {
		t.Fatal(err)
	}
	if got := s.requests[0].Header.Get("X-API-Key"); got != "tb_from_env" {
		t.Errorf("key from the environment: %q", got)
	}
	if err := tensorbox.KillByID(context.Background(), "sbx_1", &tensorbox.Options{APIKey: "tb_explicit"}); err != nil {
		t.Fatal(err)
	}
	if got := s.requests[1].Header.Get("X-API-Key"); got != "tb_explicit" {
		t.Errorf("an explicit key must win over the environment: %q", got)
	}

	t.Setenv("TENSOR_BOX_API_KEY", "")
	err := tensorbox.KillByID(context.Background(), "sbx_1")
	var argErr *tensorbox.InvalidArgumentError
	if !errors.As(err, &argErr) || argErr.Argument != "APIKey" || s.count() != 2 {
		t.Errorf("no key: want an InvalidArgumentError naming APIKey before any request, got %v", err)
	}
	for _, bad := range []tensorbox.Options{
		{APIKey: "k", Domain: "ftp://example.com"},
		{APIKey: "k", Domain: "http://"},
		{APIKey: "k", MaxRetries: tensorbox.Ptr(-1)},
		{APIKey: "k", RequestTimeout: -time.Second},
		{APIKey: "k", Headers: map[string]string{"Bad Name": "x"}},
	} {
		if err := tensorbox.KillByID(context.Background(), "sbx_1", &bad); !errors.Is(err, tensorbox.ErrInvalidArgument) {
			t.Errorf("%+v: want an InvalidArgumentError, got %v", bad, err)
		}
	}
	if s.count() != 2 {
		t.Errorf("refused options sent %d requests", s.count()-2)
	}
}

func TestSecretsNeverReachErrorsOrLogs(t *testing.T) {
	const key, env = "tb_live_very_secret", "env-secret-value"
	// A server that echoes what it got, key and env value included.
	s := newScript(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"code":"bad_request","message":"key %s body %s"}`, r.Header.Get("X-API-Key"), strings.ReplaceAll(string(body), `"`, `'`))
	})
	var logs bytes.Buffer
	_, err := tensorbox.Create(context.Background(), "default", &tensorbox.CreateOptions{
		Options: tensorbox.Options{Domain: s.server.URL, APIKey: key, Debug: true, Logger: log.New(&logs, "", 0)},
		Envs:    map[string]string{"TOKEN": env},
	})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, text := range []string{err.Error(), logs.String()} {
		if strings.Contains(text, key) || strings.Contains(text, env) {
			t.Errorf("a secret leaked: %s", text)
		}
	}
	if !strings.Contains(err.Error(), "key ***") || !strings.Contains(logs.String(), "X-Api-Key: ***") {
		t.Errorf("the redaction is not visible: %v / %s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "→ POST "+s.server.URL+"/sandboxes (attempt 1)") || !strings.Contains(logs.String(), "← 400 POST /sandboxes") {
		t.Errorf("debug lines missing:\n%s", logs.String())
	}

	// TENSOR_BOX_DEBUG turns the log on without the option.
	t.Setenv("TENSOR_BOX_DEBUG", "1")
	logs.Reset()
	_, _ = tensorbox.GetInfoByID(context.Background(), "sbx_1", &tensorbox.Options{Domain: s.server.URL, APIKey: key, Logger: log.New(&logs, "", 0)})
	if !strings.Contains(logs.String(), "[tensor-box] → GET") || strings.Contains(logs.String(), key) {
		t.Errorf("TENSOR_BOX_DEBUG: %q", logs.String())
	}
}

func TestDisconnectCancelsCallsInFlight(t *testing.T) {
	release := make(chan struct{})
	s := newScript(t, reply(200, infoJSON), func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	sbx, err := tensorbox.Connect(context.Background(), "sbx_1", &tensorbox.ConnectOptions{Options: s.opts()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := sbx.GetInfo(context.Background())
		done <- err
	}()
	for s.count() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	sbx.Disconnect()
	select {
	case err := <-done:
		if !errors.Is(err, tensorbox.ErrUserAbort) || !strings.Contains(err.Error(), "disconnected") {
			t.Errorf("want a user abort naming the disconnect, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Disconnect did not cancel the call in flight")
	}
	sbx.Disconnect() // a second time does nothing
	if sbx.IsRunning(context.Background()) {
		t.Error("a disconnected Sandbox cannot be running")
	}
}

func TestUnknownValuesPassThrough(t *testing.T) {
	s := newScript(t, reply(200, strings.Replace(infoJSON, `"running"`, `"hibernating","futureField":{"x":1}`, 1)))
	info, err := tensorbox.GetInfoByID(context.Background(), "sbx_1", ptr(s.opts()))
	if err != nil {
		t.Fatal(err)
	}
	if info.State != "hibernating" || info.State.Known() || !tensorbox.SandboxStateRunning.Known() {
		t.Errorf("open enum: %q known=%v", info.State, info.State.Known())
	}
}

func TestArgumentMessages(t *testing.T) {
	s := newScript(t, reply(204, ""))
	ctx := context.Background()
	cases := []struct {
		err  error
		want string
	}{
		{tensorbox.SetTimeoutByID(ctx, "sbx_1", 1500500*time.Microsecond, ptr(s.opts())),
			"tensorbox.SetTimeoutByID: timeout must be a whole number of milliseconds from 1s to 24h0m0s (got 1.5005s)"},
		{func() error { _, err := tensorbox.ResumeByID(ctx, "sbx_1", -time.Second, ptr(s.opts())); return err }(),
			"tensorbox.ResumeByID: timeout must be 0 (not set) or a whole number of milliseconds from 1s to 24h0m0s (got -1s)"},
		{func() error {
			_, err := tensorbox.List(ctx, &tensorbox.ListOptions{Options: s.opts(), State: []string{"running", "asleep"}})
			return err
		}(), `tensorbox.List: State[1] must be one of "running", "paused", "closed" (got "asleep")`},
		{func() error {
			_, err := tensorbox.Create(ctx, "default", &tensorbox.CreateOptions{Options: s.opts(), Lifecycle: &tensorbox.LifecycleConfig{AutoResume: tensorbox.Ptr(true)}})
			return err
		}(), `tensorbox.Create: Lifecycle.OnTimeout: autoResume only applies when onTimeout is 'pause'`},
		{tensorbox.KillByID(ctx, "", ptr(s.opts())), `tensorbox.KillByID: sandboxID must be a non-empty string (got "")`},
		{func() error {
			_, err := tensorbox.GetLogsByID(ctx, "sbx_1", &tensorbox.GetLogsOptions{Options: s.opts(), Limit: 1001})
			return err
		}(),
			"tensorbox.GetLogsByID: Limit must be 0 (not set) or an integer from 1 to 1000 (got 1001)"},
	}
	for _, c := range cases {
		if c.err == nil || c.err.Error() != c.want || !errors.Is(c.err, tensorbox.ErrInvalidArgument) {
			t.Errorf("got %v\nwant %s", c.err, c.want)
		}
	}
	// AutoResume false, or true with pause, is fine.
	for _, l := range []*tensorbox.LifecycleConfig{{AutoResume: tensorbox.Ptr(false)}, {OnTimeout: tensorbox.OnTimeoutPause, AutoResume: tensorbox.Ptr(true)}} {
		s2 := newScript(t, reply(201, infoJSON))
		if _, err := tensorbox.Create(ctx, "default", &tensorbox.CreateOptions{Options: s2.opts(), Lifecycle: l}); err != nil {
			t.Errorf("%+v: %v", l, err)
		}
	}
	if s.count() != 0 {
		t.Errorf("refused arguments sent %d requests", s.count())
	}
}

func TestIsRunningByIDReturnsTheError(t *testing.T) {
	s := newScript(t, reply(404, `{"code":"sandbox_not_found","message":"gone"}`), status(500))
	o := s.opts()
	o.MaxRetries = tensorbox.Ptr(0)
	if running, err := tensorbox.IsRunningByID(context.Background(), "sbx_1", &o); running || err != nil {
		t.Errorf("404: want false and no error, got %v, %v", running, err)
	}
	if running, err := tensorbox.IsRunningByID(context.Background(), "sbx_1", &o); running || !errors.Is(err, tensorbox.ErrInternalServer) {
		t.Errorf("500: want the error, got %v, %v", running, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDisconnectEndsARetryWait(t *testing.T) {
	s := newScript(t, reply(200, infoJSON), status(503, "Retry-After", "30"))
	sbx, err := tensorbox.Connect(context.Background(), "sbx_1", &tensorbox.ConnectOptions{Options: s.opts()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sbx.Pause(context.Background()) }()
	for s.count() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	sbx.Disconnect()
	select {
	case err := <-done:
		if !errors.Is(err, tensorbox.ErrUserAbort) || !strings.Contains(err.Error(), "while waiting to retry") {
			t.Errorf("want a user abort during the wait, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Disconnect did not end the 30 s retry wait")
	}
}

// Many goroutines share one Sandbox, with and without options of their own (run with -race).
func TestConcurrentCallsOnOneSandbox(t *testing.T) {
	s := newScript(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("X-Caller"))
		reply(200, infoJSON)(w, r)
	})
	sbx, err := tensorbox.Connect(context.Background(), "sbx_1", &tensorbox.ConnectOptions{Options: s.opts()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				var err error
				if i%2 == 0 {
					_, err = sbx.GetInfo(context.Background())
				} else {
					_, err = sbx.GetInfo(context.Background(), &tensorbox.Options{Headers: map[string]string{"X-Caller": fmt.Sprint(g)}})
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s.count() != 201 {
		t.Errorf("want 201 requests, got %d", s.count())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.requests[1:] {
		if r.Header.Get("X-API-Key") != testKey || r.Header.Get("X-Tensor-Box-Retry-Count") != "0" {
			t.Fatalf("a request lost its headers: %v", r.Header)
		}
	}
}
