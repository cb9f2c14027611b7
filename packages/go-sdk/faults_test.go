package tensorbox_test

// Runs the shared fault vectors (test/faults/vectors) and the IR-derived bad-argument table
// against the fault server (test/faults/server.mjs), as test/faults/README.md asks of every
// client, and writes test/faults/.results/go.json for the vectors × clients table.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tensorbox "github.com/tensor-box/tensor-box/packages/go-sdk"
)

const (
	faultKey = "tb_fault_key_8d1f5c2a9e"
	faultEnv = "env_secret_value_93b7c1"
)

type faultVector struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Call struct {
		Method        string         `json:"method"`
		ID            string         `json:"id"`
		Args          []any          `json:"args"`
		Options       map[string]any `json:"options"`
		CancelAfterMs int            `json:"cancelAfterMs"`
	} `json:"call"`
	Client map[string]any `json:"client"`
	Expect struct {
		Attempts           *int           `json:"attempts"`
		Waits              [][2]float64   `json:"waits"`
		MaxElapsedMs       float64        `json:"maxElapsedMs"`
		SameIdempotencyKey bool           `json:"sameIdempotencyKey"`
		Result             map[string]any `json:"result"`
		IDs                []string       `json:"ids"`
		LazyIDs            []string       `json:"lazyIds"`
		Cursors            []*string      `json:"cursors"`
		Error              map[string]any `json:"error"`
	} `json:"expect"`
}

type faultRequest struct {
	Headers map[string]any `json:"headers"`
	Query   string         `json:"query"`
	At      float64        `json:"at"`
}

// goCannotRunVector lists vectors this runner cannot express in Go, with the reason (none yet;
// TestFaultVectors checks that each listed one still exists).
var goCannotRunVector = map[string]string{}

// goCannotExpressBadArgument lists bad-argument cases that Go's types make impossible or give
// another meaning, with the reason, and what is checked instead.
var goCannotExpressBadArgument = map[string]struct {
	reason  string
	instead func(t *testing.T, f *harness, c badArgumentCase, result any, err error)
}{
	"create: a non-string map value (envs)":     {reason: "Envs is a map[string]string", instead: mustBeInexpressible},
	"create: a non-string map value (metadata)": {reason: "Metadata is a map[string]string", instead: mustBeInexpressible},
	"list: a non-string map value (metadata)":   {reason: "Metadata is a map[string]string", instead: mustBeInexpressible},
	"list: an integer below the minimum (limit)": {
		reason: "Limit: 0 means not set in Go; a negative Limit is refused instead", instead: negativeIsRefused,
	},
	"getLogs: an integer below the minimum (limit)": {
		reason: "Limit: 0 means not set in Go; a negative Limit is refused instead", instead: negativeIsRefused,
	},
	"create: an empty string (idempotencyKey)": {
		reason: "IdempotencyKey: \"\" means not set in Go, so the SDK generates the key",
		instead: func(t *testing.T, f *harness, c badArgumentCase, _ any, _ error) {
			sent := f.faultRequests(t, "bad-arguments", "go "+c.Name)
			if len(sent) == 0 {
				t.Fatal("the call sent nothing")
			}
			if key, _ := sent[0].Headers["idempotency-key"].(string); len(key) != 36 {
				t.Errorf("want a generated Idempotency-Key, got %q", key)
			}
		},
	},
}

func mustBeInexpressible(t *testing.T, _ *harness, _ badArgumentCase, result any, err error) {
	var inexp *inexpressibleError
	if !errors.As(err, &inexp) {
		t.Errorf("want the value to be inexpressible in Go, got %v, %v", result, err)
	}
}

func negativeIsRefused(t *testing.T, f *harness, c badArgumentCase, _ any, _ error) {
	c.Options = map[string]any{c.Argument: -1.0}
	c.Name += " (Go: -1)"
	_, err := callBadArgument(t, f, c)
	checkError(t, err, map[string]any{"class": "InvalidArgumentError", "argument": c.Argument}, dispatch[c.Method])
	if sent := f.faultRequests(t, "bad-arguments", "go "+c.Name); len(sent) != 0 {
		t.Errorf("a refused argument sent %d requests", len(sent))
	}
}

func (f *harness) faultRequests(t *testing.T, id, run string) []faultRequest {
	var out []faultRequest
	f.getJSON(t, "/__faults/requests?case="+url.QueryEscape(id)+"&run="+url.QueryEscape(run), &out)
	return out
}

// lineLog collects debug lines.
type lineLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLog) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, v...))
}

// fillEnv replaces '{{env}}' with this runner's recognisable env value.
func fillEnv(v any) any {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, "{{env}}", faultEnv)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = fillEnv(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = fillEnv(item)
		}
		return out
	}
	return v
}

type vectorOutcome struct {
	result  any
	err     error
	logs    []string
	elapsed time.Duration
}

func runVector(t *testing.T, f *harness, v faultVector, run string, lazy bool) vectorOutcome {
	entry, ok := dispatch[v.Call.Method]
	if !ok {
		t.Fatalf("the vector calls %q, which is not a method of the spec", v.Call.Method)
	}
	logs := &lineLog{}
	client := tensorbox.Options{
		Domain: f.url, APIKey: faultKey, MaxRetries: tensorbox.Ptr(2), RequestTimeout: 5 * time.Second,
		Debug: true, Logger: logs, Headers: map[string]string{"X-Fault-Case": v.ID, "X-Fault-Run": run},
	}
	for k, value := range v.Client {
		n, _ := value.(float64)
		switch k {
		case "maxRetries":
			client.MaxRetries = tensorbox.Ptr(int(n))
		case "requestTimeoutMs":
			client.RequestTimeout = time.Duration(n) * time.Millisecond
		default:
			t.Fatalf("unknown client option %q", k)
		}
	}
	args, _ := fillEnv(v.Call.Args).([]any)
	options, _ := fillEnv(v.Call.Options).(map[string]any)
	d := &dispatchCall{id: v.Call.ID, args: args, options: options, used: map[string]bool{}, client: client}
	if lazy {
		d.take = math.MaxInt32 // the lazy iterator, read to the end
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if v.Call.CancelAfterMs > 0 {
		time.AfterFunc(time.Duration(v.Call.CancelAfterMs)*time.Millisecond, cancel)
	}
	started := time.Now()
	result, err := entry.class(ctx, d)
	elapsed := time.Since(started)
	logs.mu.Lock()
	defer logs.mu.Unlock()
	return vectorOutcome{result: result, err: err, logs: logs.lines, elapsed: elapsed}
}

// subset reports whether want is contained in got (maps by key, everything else equal).
func subset(want, got any) bool {
	wm, ok := want.(map[string]any)
	if !ok {
		return reflect.DeepEqual(want, got)
	}
	gm, ok := got.(map[string]any)
	if !ok {
		return false
	}
	for k, w := range wm {
		if !subset(w, gm[k]) {
			return false
		}
	}
	return true
}

func sandboxIDs(t reporter, neutral any) []string {
	list, ok := neutral.([]any)
	if !ok {
		t.Fatalf("want a list, got %v", neutral)
	}
	ids := make([]string, len(list))
	for i, item := range list {
		ids[i], _ = item.(map[string]any)["sandboxId"].(string)
	}
	return ids
}

// firstFailure wraps a *testing.T and keeps the first failure's text for the results file.
type firstFailure struct {
	*testing.T
	first string
}

func (f *firstFailure) note(format string, args ...any) {
	if f.first == "" {
		f.first = strings.SplitN(fmt.Sprintf(format, args...), "\n", 2)[0]
	}
}

func (f *firstFailure) Errorf(format string, args ...any) {
	f.note(format, args...)
	f.T.Errorf(format, args...)
}

func (f *firstFailure) Fatalf(format string, args ...any) {
	f.note(format, args...)
	f.T.Fatalf(format, args...)
}

func checkVector(t *firstFailure, f *harness, v faultVector, out vectorOutcome) {
	want := v.Expect
	seen := f.faultRequests(t.T, v.ID, "go")
	resultJSON, _ := json.Marshal(toNeutral(t.T, out.result))
	texts := append([]string{string(resultJSON)}, out.logs...)
	if out.err != nil {
		texts = append(texts, out.err.Error(), fmt.Sprintf("%+v", out.err))
	}
	for _, text := range texts {
		if strings.Contains(text, faultKey) || strings.Contains(text, faultEnv) {
			t.Errorf("a secret leaked: %s", text)
		}
	}
	if len(out.logs) == 0 {
		t.Errorf("debug logging produced no line")
	}
	if want.Attempts != nil && len(seen) != *want.Attempts {
		t.Errorf("attempts: got %d, want %d", len(seen), *want.Attempts)
	}
	for i, w := range want.Waits {
		if i+1 >= len(seen) {
			t.Errorf("no attempt %d to measure a wait before", i+2)
			break
		}
		if wait := seen[i+1].At - seen[i].At; wait < w[0] || wait > w[1] {
			t.Errorf("wait before attempt %d: %.0f ms, want %v–%v", i+2, wait, w[0], w[1])
		}
	}
	if want.MaxElapsedMs > 0 && float64(out.elapsed.Milliseconds()) >= want.MaxElapsedMs {
		t.Errorf("took %v, want under %v ms", out.elapsed, want.MaxElapsedMs)
	}
	if want.SameIdempotencyKey {
		keys := map[any]bool{}
		for _, s := range seen {
			keys[s.Headers["idempotency-key"]] = true
		}
		if len(seen) == 0 || len(keys) != 1 || keys[nil] || keys[""] {
			t.Errorf("want one idempotency key on every attempt, got %v", keys)
		}
	}
	if want.Cursors != nil {
		var got []*string
		for _, s := range seen {
			q, _ := url.ParseQuery(s.Query)
			if q.Has("cursor") {
				c := q.Get("cursor")
				got = append(got, &c)
			} else {
				got = append(got, nil)
			}
		}
		if fmt.Sprint(deref(got)) != fmt.Sprint(deref(want.Cursors)) {
			t.Errorf("cursors: got %v, want %v", deref(got), deref(want.Cursors))
		}
	}
	if want.Error != nil {
		if out.err == nil {
			t.Fatalf("expected %v, got result %s", want.Error["class"], resultJSON)
		}
		checkError(t, out.err, want.Error, dispatch[v.Call.Method])
		return
	}
	if out.err != nil {
		t.Fatalf("unexpected error: %v", out.err)
	}
	neutral := toNeutral(t.T, out.result)
	if want.Result != nil && !subset(any(want.Result), neutral) {
		t.Errorf("result %s does not contain %v", resultJSON, want.Result)
	}
	if want.IDs != nil && !reflect.DeepEqual(sandboxIDs(t, neutral), want.IDs) {
		t.Errorf("ids: got %v, want %v", sandboxIDs(t, neutral), want.IDs)
	}
}

func deref(list []*string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		if s == nil {
			out[i] = "null"
		} else {
			out[i] = *s
		}
	}
	return out
}

type faultResult struct {
	Vector string `json:"vector"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail,omitempty"`
	Skip   string `json:"skip,omitempty"`
}

func TestFaultVectors(t *testing.T) {
	f := faultServer(t)
	var vectors []faultVector
	f.getJSON(t, "/__faults/vectors", &vectors)
	if len(vectors) == 0 {
		t.Fatal("the fault server lists no vectors")
	}
	var results []faultResult
	seen := map[string]bool{}
	for _, v := range vectors {
		seen[v.ID] = true
		if reason, ok := goCannotRunVector[v.ID]; ok {
			results = append(results, faultResult{Vector: v.ID, Skip: reason})
			continue
		}
		ft := &firstFailure{}
		ok := t.Run(v.ID, func(t *testing.T) {
			ft.T = t
			checkVector(ft, f, v, runVector(t, f, v, "go", false))
			if v.Expect.LazyIDs != nil && !t.Failed() {
				lazy := runVector(t, f, v, "go-lazy", true)
				if lazy.err != nil {
					ft.Fatalf("lazy form: %v", lazy.err)
				}
				if got := sandboxIDs(ft, toNeutral(t, lazy.result)); !reflect.DeepEqual(got, v.Expect.LazyIDs) {
					ft.Errorf("lazy ids: got %v, want %v", got, v.Expect.LazyIDs)
				}
				if n := len(f.faultRequests(t, v.ID, "go-lazy")); v.Expect.Attempts != nil && n != *v.Expect.Attempts {
					ft.Errorf("lazy form: %d requests, want %d", n, *v.Expect.Attempts)
				}
			}
		})
		results = append(results, faultResult{Vector: v.ID, Pass: ok, Detail: ft.first})
	}
	for id := range goCannotRunVector {
		if !seen[id] {
			t.Errorf("goCannotRunVector lists %q, which is no longer a vector", id)
		}
	}
	dir := filepath.Join(repoRoot(), "test", "faults", ".results")
	data, _ := json.MarshalIndent(results, "", "  ")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.json"), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

type badArgumentCase struct {
	Name     string         `json:"name"`
	Method   string         `json:"method"`
	ID       string         `json:"id"`
	Args     []any          `json:"args"`
	Options  map[string]any `json:"options"`
	Argument string         `json:"argument"`
}

func callBadArgument(t *testing.T, f *harness, c badArgumentCase) (any, error) {
	entry, ok := dispatch[c.Method]
	if !ok {
		t.Fatalf("the table calls %q, which is not a method of the spec", c.Method)
	}
	d := &dispatchCall{id: c.ID, args: c.Args, options: c.Options, used: map[string]bool{}, client: tensorbox.Options{
		Domain: f.url, APIKey: faultKey, MaxRetries: tensorbox.Ptr(0),
		Headers: map[string]string{"X-Fault-Case": "bad-arguments", "X-Fault-Run": "go " + c.Name},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return entry.class(ctx, d)
}

func TestBadArguments(t *testing.T) {
	f := faultServer(t)
	var cases []badArgumentCase
	f.getJSON(t, "/__faults/bad-arguments", &cases)
	covered := map[string]bool{}
	names := map[string]bool{}
	for _, c := range cases {
		covered[c.Method] = true
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			result, err := callBadArgument(t, f, c)
			if listed, ok := goCannotExpressBadArgument[c.Name]; ok {
				t.Logf("not expressible in Go: %s", listed.reason)
				listed.instead(t, f, c, result, err)
				return
			}
			checkError(t, err, map[string]any{"class": "InvalidArgumentError", "argument": c.Argument}, dispatch[c.Method])
			if sent := f.faultRequests(t, "bad-arguments", "go "+c.Name); len(sent) != 0 {
				t.Errorf("a refused argument sent %d requests", len(sent))
			}
		})
	}
	for method := range dispatch {
		if !covered[method] {
			t.Errorf("the bad-argument table has no case for %s", method)
		}
	}
	for name := range goCannotExpressBadArgument {
		if !names[name] {
			t.Errorf("goCannotExpressBadArgument lists %q, which is no longer a case", name)
		}
	}
}
