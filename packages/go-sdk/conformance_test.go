package tensorbox_test

// Runs every shared conformance scenario (test/conformance/scenarios) with the Go SDK against
// Prism behind the recording proxy, and makes the checks test/conformance/README.md asks of
// every runner. The calls themselves come from gen_dispatch_test.go, generated from the spec.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tensorbox "github.com/tensor-box/tensor-box/packages/go-sdk"
)

const conformanceKey = "tb_test_conformance_key"

var userAgentPattern = regexp.MustCompile(`^tensor-box-go/\d+\.\d+\.\d+`)

// goCannotExpress lists the scenarios whose call cannot be written in Go as the scenario means
// it, with the reason, and what this runner checks instead. Each one is asserted: a listed case
// must still behave as described here, and must still exist.
var goCannotExpress = map[string]struct {
	reason  string
	instead func(t *testing.T, h *harness, c scenarioCase, out outcome, requests []recordedRequest)
}{
	"create.yaml/a non-string metadata value is refused": {
		reason: "Metadata is a map[string]string: a non-string value does not compile, so no argument check is needed",
		instead: func(t *testing.T, _ *harness, _ scenarioCase, out outcome, requests []recordedRequest) {
			var inexp *inexpressibleError
			if !errors.As(out.err, &inexp) {
				t.Fatalf("expected the runner to find the value inexpressible in Go, got result %v, error %v", out.result, out.err)
			}
			if len(requests) != 0 {
				t.Fatalf("no request may be sent, got %d", len(requests))
			}
		},
	},
	"get-info.yaml/isRunning still raises a server failure": {
		reason: "the contract fixes Sandbox.IsRunning(ctx) bool: it cannot return the error, so it returns false (and logs it); IsRunningByID returns it",
		instead: func(t *testing.T, h *harness, c scenarioCase, out outcome, requests []recordedRequest) {
			if out.err != nil || out.result != false {
				t.Fatalf("Sandbox.IsRunning on a 500: want false and no error, got %v, %v", out.result, out.err)
			}
			if len(requests) != 1 || requests[0].Status != 500 {
				t.Fatalf("want one request answered 500, got %+v", requests)
			}
			tag := c.Tag + ":by-id"
			_, err := tensorbox.IsRunningByID(context.Background(), "sbx_abc123", &tensorbox.Options{
				Domain: h.url, APIKey: conformanceKey, MaxRetries: tensorbox.Ptr(0),
				Headers: map[string]string{"X-Conformance-Case": tag, "Prefer": c.Call.Prefer},
			})
			var apiErr *tensorbox.APIError
			if !errors.Is(err, tensorbox.ErrInternalServer) || !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
				t.Fatalf("IsRunningByID on a 500: want an InternalServerError, got %v", err)
			}
			checkWireBasics(t, h.requests(t, tag))
		},
	},
	"list.yaml/a page size of zero is refused": {
		reason: "in Go the zero value of an optional field means \"not set\", so Limit: 0 asks for the server's default page size; a negative Limit is refused instead",
		instead: func(t *testing.T, h *harness, c scenarioCase, out outcome, requests []recordedRequest) {
			if out.err != nil || len(requests) != 1 || requests[0].Query != "" {
				t.Fatalf("Limit: 0 must send no limit: got error %v, requests %+v", out.err, requests)
			}
			tag := c.Tag + ":negative"
			_, err := tensorbox.List(context.Background(), &tensorbox.ListOptions{
				Options: tensorbox.Options{Domain: h.url, APIKey: conformanceKey, Headers: map[string]string{"X-Conformance-Case": tag}},
				Limit:   -1,
			})
			var argErr *tensorbox.InvalidArgumentError
			if !errors.As(err, &argErr) || argErr.Argument != "Limit" {
				t.Fatalf("Limit: -1 must be an InvalidArgumentError naming Limit, got %v", err)
			}
			if n := len(h.requests(t, tag)); n != 0 {
				t.Fatalf("Limit: -1 must send nothing, sent %d", n)
			}
		},
	},
}

// errorClasses maps the class names shared by every SDK to the Go sentinels.
var errorClasses = map[string]error{
	"InvalidArgumentError":      tensorbox.ErrInvalidArgument,
	"APIError":                  tensorbox.ErrAPI,
	"BadRequestError":           tensorbox.ErrBadRequest,
	"AuthenticationError":       tensorbox.ErrAuthentication,
	"PermissionDeniedError":     tensorbox.ErrPermissionDenied,
	"NotFoundError":             tensorbox.ErrNotFound,
	"ConflictError":             tensorbox.ErrConflict,
	"UnprocessableEntityError":  tensorbox.ErrUnprocessableEntity,
	"RateLimitError":            tensorbox.ErrRateLimited,
	"InternalServerError":       tensorbox.ErrInternalServer,
	"APIConnectionError":        tensorbox.ErrConnection,
	"APIConnectionTimeoutError": tensorbox.ErrConnectionTimeout,
	"APIUserAbortError":         tensorbox.ErrUserAbort,
}

// ---------------------------------------------------------------------------------------------
// Scenario files, as GET /__harness/scenarios returns them.

type scenarioFile struct {
	File      string         `json:"file"`
	Operation string         `json:"operation"`
	Cases     []scenarioCase `json:"cases"`
}

type scenarioCase struct {
	Tag  string `json:"tag"`
	Name string `json:"name"`
	Call struct {
		Method          string         `json:"method"`
		On              string         `json:"on"`
		ID              *string        `json:"id"`
		Args            []any          `json:"args"`
		Options         map[string]any `json:"options"`
		Client          map[string]any `json:"client"`
		Prefer          string         `json:"prefer"`
		Take            int            `json:"take"`
		DisconnectFirst bool           `json:"disconnectFirst"`
	} `json:"call"`
	Expect struct {
		Request      *requestExpectation  `json:"request"`
		Requests     []requestExpectation `json:"requests"`
		Metadata     map[string]string    `json:"metadata"`
		RequestCount *int                 `json:"requestCount"`
		Result       json.RawMessage      `json:"result"`
		Error        map[string]any       `json:"error"`
	} `json:"expect"`
}

type requestExpectation struct {
	Method  string          `json:"method"`
	Path    string          `json:"path"`
	Query   string          `json:"query"`
	Body    json.RawMessage `json:"body"`
	Headers map[string]any  `json:"headers"`
}

type recordedRequest struct {
	Method     string         `json:"method"`
	Path       string         `json:"path"`
	Query      string         `json:"query"`
	Headers    map[string]any `json:"headers"`
	Body       *string        `json:"body"`
	Status     int            `json:"status"`
	Violations []any          `json:"violations"`
}

func (h *harness) scenarios(t *testing.T) []scenarioFile {
	var files []scenarioFile
	h.getJSON(t, "/__harness/scenarios", &files)
	if len(files) == 0 {
		t.Fatal("the harness returned no scenario files")
	}
	return files
}

func (h *harness) requests(t *testing.T, tag string) []recordedRequest {
	var out []recordedRequest
	h.getJSON(t, "/__harness/requests?tag="+url.QueryEscape(tag), &out)
	return out
}

func (h *harness) getJSON(t *testing.T, path string, into any) {
	t.Helper()
	resp, err := http.Get(h.url + path)
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("harness %s: status %d, %v", path, resp.StatusCode, err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("harness %s: %v", path, err)
	}
}

// ---------------------------------------------------------------------------------------------
// The dispatch table's helpers: neutral JSON values → Go values.

type dispatchEntry struct {
	class    func(ctx context.Context, d *dispatchCall) (any, error)
	instance func(ctx context.Context, s *tensorbox.Sandbox, d *dispatchCall) (any, error)
	// argNames maps the Go name of each argument (parameter or options field) to its spec name.
	argNames map[string]string
}

type dispatchCall struct {
	id      string
	args    []any
	options map[string]any
	used    map[string]bool
	// client: connection and call options of the class form; call: the instance form's.
	client, call tensorbox.Options
	take         int
}

// inexpressibleError marks a scenario value that Go's types cannot hold.
type inexpressibleError struct{ what string }

func (e *inexpressibleError) Error() string { return "not expressible in Go: " + e.what }

func (d *dispatchCall) unknownOptions() error {
	for name := range d.options {
		if !d.used[name] {
			return fmt.Errorf("the scenario passes option %q, which this method does not take", name)
		}
	}
	return nil
}

func positional[T any](d *dispatchCall, i int, conv func(any) (T, error), fallback T) (T, error) {
	if i >= len(d.args) {
		return fallback, nil
	}
	return conv(d.args[i])
}

func option[T any](d *dispatchCall, name string, conv func(any) (T, error), into *T) error {
	v, ok := d.options[name]
	if !ok {
		return nil
	}
	d.used[name] = true
	got, err := conv(v)
	if err != nil {
		return fmt.Errorf("option %s: %w", name, err)
	}
	*into = got
	return nil
}

func field[T any](fields map[string]any, name string, conv func(any) (T, error), into *T) error {
	v, ok := fields[name]
	if !ok {
		return nil
	}
	got, err := conv(v)
	if err != nil {
		return fmt.Errorf("field %s: %w", name, err)
	}
	*into = got
	return nil
}

func asObject(v any, keys ...string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &inexpressibleError{fmt.Sprintf("%v is not an object", v)}
	}
	for k := range m {
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("unknown field %q", k)
		}
	}
	return m, nil
}

func asString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", &inexpressibleError{fmt.Sprintf("%v as a string", v)}
	}
	return s, nil
}

func asEnum[E ~string](v any) (E, error) {
	s, err := asString(v)
	return E(s), err
}

func asBool(v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, &inexpressibleError{fmt.Sprintf("%v as a bool", v)}
	}
	return b, nil
}

func asFloat(v any) (float64, error) {
	f, ok := v.(float64)
	if !ok {
		return 0, &inexpressibleError{fmt.Sprintf("%v as a number", v)}
	}
	return f, nil
}

func asInt[T int | int64](v any) (T, error) {
	f, err := asFloat(v)
	if err != nil || f != math.Trunc(f) {
		return 0, &inexpressibleError{fmt.Sprintf("%v as an integer", v)}
	}
	return T(f), nil
}

// asDuration reads milliseconds, as every scenario writes durations.
func asDuration(v any) (time.Duration, error) {
	f, err := asFloat(v)
	return time.Duration(f * float64(time.Millisecond)), err
}

func asTime(v any) (time.Time, error) {
	m, ok := v.(map[string]any)
	s, isString := m["$date"].(string)
	if !ok || !isString {
		return time.Time{}, &inexpressibleError{fmt.Sprintf("%v as a date", v)}
	}
	return time.Parse(time.RFC3339Nano, s)
}

func asPtr[T any](conv func(any) (T, error)) func(any) (*T, error) {
	return func(v any) (*T, error) {
		got, err := conv(v)
		return &got, err
	}
}

func asStrings(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, &inexpressibleError{fmt.Sprintf("%v as a list", v)}
	}
	out := make([]string, len(list))
	for i, item := range list {
		s, err := asString(item)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func asStringMap(v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &inexpressibleError{fmt.Sprintf("%v as a map", v)}
	}
	out := make(map[string]string, len(m))
	for k, item := range m {
		s, err := asString(item)
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

func take[T any](seq func(yield func(T, error) bool), n int) ([]T, error) {
	out := []T{}
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
		if len(out) >= n {
			break
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// The runner.

type outcome struct {
	result any
	err    error
}

func clientOptions(t *testing.T, h *harness, client map[string]any) tensorbox.Options {
	o := tensorbox.Options{Domain: h.url, APIKey: conformanceKey}
	for k, v := range client {
		n, ok := v.(float64)
		if !ok {
			t.Fatalf("client option %s must be a number", k)
		}
		switch k {
		case "maxRetries":
			o.MaxRetries = tensorbox.Ptr(int(n))
		case "requestTimeoutMs":
			o.RequestTimeout = time.Duration(n) * time.Millisecond
		default:
			t.Fatalf("unknown client option %q", k)
		}
	}
	return o
}

func runCall(t *testing.T, h *harness, c scenarioCase) outcome {
	entry, ok := dispatch[c.Call.Method]
	if !ok {
		t.Fatalf("the scenario calls %q, which is not a method of the spec", c.Call.Method)
	}
	id := "sbx_abc123"
	if c.Call.ID != nil {
		id = *c.Call.ID
	}
	d := &dispatchCall{id: id, args: c.Call.Args, options: c.Call.Options, used: map[string]bool{}, take: c.Call.Take}
	client := clientOptions(t, h, c.Call.Client)
	headers := map[string]string{"X-Conformance-Case": c.Tag}
	if c.Call.Prefer != "" {
		headers["Prefer"] = c.Call.Prefer
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var result any
	var err error
	switch c.Call.On {
	case "instance":
		if entry.instance == nil {
			t.Fatalf("%s has no instance form", c.Call.Method)
		}
		setup := client
		setup.Headers = map[string]string{"X-Conformance-Case": c.Tag + ":setup"}
		s, connectErr := tensorbox.Connect(ctx, id, &tensorbox.ConnectOptions{Options: setup})
		if connectErr != nil {
			t.Fatalf("connect before the call: %v", connectErr)
		}
		if c.Call.DisconnectFirst {
			s.Disconnect()
		}
		d.call = tensorbox.Options{Headers: headers}
		result, err = entry.instance(ctx, s, d)
	case "class":
		d.client = client
		d.client.Headers = headers
		result, err = entry.class(ctx, d)
	default:
		t.Fatalf("unknown call form %q", c.Call.On)
	}
	return outcome{result: result, err: err}
}

// toNeutral turns a Go result into the scenarios' neutral JSON: an instance as its ID, dates
// as RFC 3339 UTC with milliseconds, everything else as its JSON.
func toNeutral(t *testing.T, v any) any {
	if s, ok := v.(*tensorbox.Sandbox); ok {
		if s == nil {
			return nil
		}
		return map[string]any{"sandboxId": s.ID()}
	}
	if v == nil {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("result does not marshal: %v", err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return normalizeDates(out)
}

func normalizeDates(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			x[k] = normalizeDates(item)
		}
	case []any:
		for i, item := range x {
			x[i] = normalizeDates(item)
		}
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return ts.UTC().Format("2006-01-02T15:04:05.000Z07:00")
		}
	}
	return v
}

func checkWireBasics(t *testing.T, requests []recordedRequest) {
	t.Helper()
	for _, r := range requests {
		if len(r.Violations) != 0 {
			t.Errorf("Prism violations for %s %s?%s: %v", r.Method, r.Path, r.Query, r.Violations)
		}
		if r.Headers["x-api-key"] != conformanceKey {
			t.Errorf("X-API-Key: got %v", r.Headers["x-api-key"])
		}
		if ua, _ := r.Headers["user-agent"].(string); !userAgentPattern.MatchString(ua) {
			t.Errorf("User-Agent: got %q", ua)
		}
	}
}

func checkRequest(t *testing.T, got recordedRequest, want requestExpectation) {
	t.Helper()
	if got.Method != want.Method || got.Path != want.Path || got.Query != want.Query {
		t.Errorf("request: got %s %s ?%q, want %s %s ?%q", got.Method, got.Path, got.Query, want.Method, want.Path, want.Query)
	}
	if len(want.Body) == 0 || string(want.Body) == "null" {
		if got.Body != nil {
			t.Errorf("want no body, got %q", *got.Body)
		}
		if ct, present := got.Headers["content-type"]; present {
			t.Errorf("want no content-type without a body, got %v", ct)
		}
	} else {
		if got.Body == nil {
			t.Errorf("want a JSON body %s, got none", want.Body)
		} else {
			var gotBody, wantBody any
			if err := json.Unmarshal([]byte(*got.Body), &gotBody); err != nil {
				t.Errorf("body is not JSON: %q", *got.Body)
			}
			_ = json.Unmarshal(want.Body, &wantBody)
			if !reflect.DeepEqual(gotBody, wantBody) {
				t.Errorf("body: got %s, want %s", *got.Body, want.Body)
			}
		}
	}
	for name, expected := range want.Headers {
		value, present := got.Headers[name]
		switch e := expected.(type) {
		case string:
			if value != e {
				t.Errorf("header %s: got %v, want %q", name, value, e)
			}
		case map[string]any:
			if e["present"] == true && (!present || value == "") {
				t.Errorf("header %s: want it present", name)
			}
			if e["absent"] == true && present {
				t.Errorf("header %s: want it absent, got %v", name, value)
			}
		default:
			t.Fatalf("bad header expectation %v", expected)
		}
	}
}

func checkCase(t *testing.T, c scenarioCase, entry dispatchEntry, out outcome, requests, setup []recordedRequest) {
	t.Helper()
	checkWireBasics(t, append(append([]recordedRequest{}, setup...), requests...))
	want := c.Expect
	if want.RequestCount != nil && len(requests) != *want.RequestCount {
		t.Errorf("number of requests: got %d, want %d", len(requests), *want.RequestCount)
	}
	if want.Requests != nil {
		if len(requests) != len(want.Requests) {
			t.Fatalf("number of requests: got %d, want %d", len(requests), len(want.Requests))
		}
		for i, w := range want.Requests {
			checkRequest(t, requests[i], w)
		}
	}
	if want.Request != nil {
		if len(requests) == 0 {
			t.Fatal("no request was sent")
		}
		checkRequest(t, requests[len(requests)-1], *want.Request)
	}
	if want.Metadata != nil {
		last := requests[len(requests)-1]
		outer, err := url.ParseQuery(last.Query)
		if err != nil || !outer.Has("metadata") {
			t.Fatalf("metadata query value missing in %q", last.Query)
		}
		inner, err := url.ParseQuery(outer.Get("metadata"))
		if err != nil {
			t.Fatalf("metadata value %q does not form-decode: %v", outer.Get("metadata"), err)
		}
		decoded := map[string]string{}
		for k, v := range inner {
			decoded[k] = strings.Join(v, ",")
		}
		if !reflect.DeepEqual(decoded, want.Metadata) {
			t.Errorf("metadata round-trip: got %v, want %v", decoded, want.Metadata)
		}
	}

	if want.Error != nil {
		if out.err == nil {
			t.Fatalf("expected %v, got result %v", want.Error["class"], out.result)
		}
		checkError(t, out.err, want.Error, entry)
		return
	}
	if out.err != nil {
		t.Fatalf("unexpected error: %v", out.err)
	}
	var expected any
	if len(want.Result) > 0 {
		if err := json.Unmarshal(want.Result, &expected); err != nil {
			t.Fatal(err)
		}
	}
	if got := toNeutral(t, out.result); !reflect.DeepEqual(got, expected) {
		gotJSON, _ := json.Marshal(got)
		t.Errorf("result:\n got  %s\n want %s", gotJSON, want.Result)
	}
}

// reporter is what the checks need of a *testing.T (the fault runner wraps one to record the
// first failure for its results file).
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

func checkError(t reporter, err error, want map[string]any, entry dispatchEntry) {
	t.Helper()
	var apiErr *tensorbox.APIError
	isAPI := errors.As(err, &apiErr)
	for key, value := range want {
		switch key {
		case "class":
			sentinel, ok := errorClasses[value.(string)]
			if !ok {
				t.Fatalf("unknown error class %v", value)
			}
			if !errors.Is(err, sentinel) {
				t.Errorf("error %q (%T) does not match %v", err, err, value)
			}
		case "status":
			if !isAPI || float64(apiErr.StatusCode) != value {
				t.Errorf("error.status: got %v, want %v", err, value)
			}
		case "code":
			if !isAPI || apiErr.Code != value {
				t.Errorf("error.code: got %v, want %v", err, value)
			}
		case "requestId":
			if !isAPI || apiErr.RequestID != value {
				t.Errorf("error.requestId: got %v, want %v", err, value)
			}
		case "retryAfter":
			if !isAPI || apiErr.RetryAfter.Seconds() != value {
				t.Errorf("error.retryAfter: got %v, want %v s", err, value)
			}
		case "message":
			if err.Error() != value {
				t.Errorf("error.message:\n got  %q\n want %q", err.Error(), value)
			}
		case "argument":
			var argErr *tensorbox.InvalidArgumentError
			if !errors.As(err, &argErr) {
				t.Errorf("want an InvalidArgumentError, got %v", err)
				continue
			}
			goName := regexp.MustCompile(`^[^.\[]+`).FindString(argErr.Argument)
			if neutral, ok := entry.argNames[goName]; !ok || neutral != value {
				t.Errorf("error.argument: %q is %q in the spec, want %v (%v)", argErr.Argument, neutral, value, err)
			}
		default:
			t.Fatalf("unknown error expectation %q", key)
		}
	}
}

func TestConformance(t *testing.T) {
	h := sharedHarness(t)
	seen := map[string]bool{}
	for _, file := range h.scenarios(t) {
		t.Run(file.File, func(t *testing.T) {
			for _, c := range file.Cases {
				key := file.File + "/" + c.Name
				seen[key] = true
				t.Run(c.Name, func(t *testing.T) {
					out := runCall(t, h, c)
					requests := h.requests(t, c.Tag)
					if listed, ok := goCannotExpress[key]; ok {
						t.Logf("not expressible in Go: %s", listed.reason)
						checkWireBasics(t, requests)
						listed.instead(t, h, c, out, requests)
						return
					}
					var inexp *inexpressibleError
					if errors.As(out.err, &inexp) {
						t.Fatalf("%v, and the case is not in goCannotExpress", out.err)
					}
					checkCase(t, c, dispatch[c.Call.Method], out, requests, h.requests(t, c.Tag+":setup"))
				})
			}
		})
	}
	for key := range goCannotExpress {
		if !seen[key] {
			t.Errorf("goCannotExpress lists %q, which is no longer a scenario", key)
		}
	}
}

func TestScenarioCoverage(t *testing.T) {
	h := sharedHarness(t)
	files := h.scenarios(t)
	called := map[string]bool{}
	reached := map[string]bool{}
	var operations []string
	for _, f := range files {
		operations = append(operations, f.Operation)
		for _, c := range f.Cases {
			called[c.Call.Method+"/"+c.Call.On] = true
			if class, ok := c.Expect.Error["class"].(string); ok {
				reached[class] = true
			}
		}
	}
	for name, entry := range dispatch {
		if !called[name+"/class"] {
			t.Errorf("%s is never called in its package-level form", name)
		}
		if entry.instance != nil && !called[name+"/instance"] {
			t.Errorf("%s is never called on an instance", name)
		}
	}
	slices.Sort(operations)
	want := slices.Clone(specOperations)
	slices.Sort(want)
	if !slices.Equal(operations, want) {
		t.Errorf("scenario files cover %v, the spec has %v", operations, want)
	}
	for class := range errorClasses {
		if class == "APIError" || class == "APIConnectionTimeoutError" {
			continue // base class and the timeout kind: covered by the httptest suite
		}
		if !reached[class] {
			t.Errorf("no scenario reaches %s", class)
		}
	}
}
