package tensorbox_test

// A small in-memory stand-in for the tensor-box API, so that the runnable examples print the
// same output on every run without a network. TestMain points TENSOR_BOX_DOMAIN and
// TENSOR_BOX_API_KEY at it.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type fakeSandbox struct {
	SandboxID  string            `json:"sandboxId"`
	TemplateID string            `json:"templateId"`
	State      string            `json:"state"`
	StartedAt  string            `json:"startedAt"`
	EndAt      string            `json:"endAt"`
	CPUCount   int               `json:"cpuCount"`
	MemoryMB   int               `json:"memoryMB"`
	DiskGB     int               `json:"diskGB"`
	Metadata   map[string]string `json:"metadata"`
	Lifecycle  struct {
		OnTimeout  string `json:"onTimeout"`
		AutoResume bool   `json:"autoResume"`
	} `json:"lifecycle"`
}

type fakeAPI struct {
	mu        sync.Mutex
	sandboxes []*fakeSandbox
	created   int
}

func newFakeSandbox(id, state string, metadata map[string]string) *fakeSandbox {
	s := &fakeSandbox{SandboxID: id, TemplateID: "default", State: state, StartedAt: "2026-11-29T10:00:00Z",
		EndAt: "2026-11-29T10:05:00Z", CPUCount: 2, MemoryMB: 2048, DiskGB: 40, Metadata: metadata}
	s.Lifecycle.OnTimeout = "kill"
	return s
}

func startExampleAPI() (stop func()) {
	api := &fakeAPI{sandboxes: []*fakeSandbox{
		newFakeSandbox("sbx_abc123", "running", map[string]string{"userId": "123"}),
		newFakeSandbox("sbx_def456", "paused", map[string]string{"userId": "123"}),
	}}
	server := httptest.NewServer(api)
	old := map[string]string{"TENSOR_BOX_DOMAIN": os.Getenv("TENSOR_BOX_DOMAIN"), "TENSOR_BOX_API_KEY": os.Getenv("TENSOR_BOX_API_KEY")}
	os.Setenv("TENSOR_BOX_DOMAIN", server.URL)
	os.Setenv("TENSOR_BOX_API_KEY", "tb_example_key")
	return func() {
		server.Close()
		for k, v := range old {
			os.Setenv(k, v)
		}
	}
}

func (api *fakeAPI) fail(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "message": message, "requestId": "req_example"})
}

func (api *fakeAPI) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (api *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api.mu.Lock()
	defer api.mu.Unlock()
	if r.Header.Get("X-API-Key") != "tb_example_key" {
		api.fail(w, 401, "unauthorized", "the API key is not valid")
		return
	}
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	if parts[0] != "sandboxes" {
		api.fail(w, 404, "not_found", "no such endpoint")
		return
	}
	if len(parts) == 1 {
		switch r.Method {
		case http.MethodPost:
			api.create(w, r)
		case http.MethodGet:
			api.list(w, r)
		default:
			api.fail(w, 405, "method_not_allowed", r.Method)
		}
		return
	}
	id, _ := url.PathUnescape(parts[1])
	i := slices.IndexFunc(api.sandboxes, func(s *fakeSandbox) bool { return s.SandboxID == id })
	if i < 0 {
		api.fail(w, 404, "sandbox_not_found", fmt.Sprintf("sandbox %s not found", id))
		return
	}
	s := api.sandboxes[i]
	action := r.Method
	if len(parts) > 2 {
		action += " " + parts[2]
	}
	switch action {
	case "GET":
		api.reply(w, 200, s)
	case "DELETE":
		s.State = "closed"
		w.WriteHeader(204)
	case "POST connect", "POST resume":
		if s.State == "closed" {
			api.fail(w, 409, "sandbox_closed", fmt.Sprintf("sandbox %s is closed", id))
			return
		}
		s.State = "running"
		api.reply(w, 200, s)
	case "POST pause":
		if s.State != "running" {
			api.fail(w, 409, "sandbox_not_running", "sandbox is already paused")
			return
		}
		s.State = "paused"
		w.WriteHeader(204)
	case "POST timeout", "POST keepalive":
		w.WriteHeader(204)
	case "GET metrics":
		api.reply(w, 200, []map[string]any{
			{"timestamp": "2026-11-29T10:00:05Z", "cpuCount": 2, "cpuUsedPct": 12.5, "memUsed": 268435456, "memTotal": 2147483648, "diskUsed": 1073741824, "diskTotal": 42949672960},
			{"timestamp": "2026-11-29T10:00:10Z", "cpuCount": 2, "cpuUsedPct": 40.25, "memUsed": 301989888, "memTotal": 2147483648, "diskUsed": 1073741824, "diskTotal": 42949672960},
		})
	case "GET logs":
		api.reply(w, 200, []map[string]any{
			{"timestamp": "2026-11-29T10:00:00Z", "level": "info", "source": "lifecycle", "message": "sandbox created from template default"},
			{"timestamp": "2026-11-29T10:00:01.250Z", "level": "info", "source": "process", "message": "listening on :8080"},
		})
	default:
		api.fail(w, 404, "not_found", "no such endpoint")
	}
}

func (api *fakeAPI) create(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TemplateID string            `json:"templateId"`
		TimeoutMs  int64             `json:"timeoutMs"`
		Metadata   map[string]string `json:"metadata"`
		Lifecycle  *struct {
			OnTimeout  string `json:"onTimeout"`
			AutoResume bool   `json:"autoResume"`
		} `json:"lifecycle"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		api.fail(w, 400, "bad_request", err.Error())
		return
	}
	api.created++
	s := newFakeSandbox(fmt.Sprintf("sbx_new%d", api.created), "running", body.Metadata)
	if s.Metadata == nil {
		s.Metadata = map[string]string{}
	}
	s.TemplateID = body.TemplateID
	if body.TimeoutMs > 0 {
		start, _ := time.Parse(time.RFC3339, s.StartedAt)
		s.EndAt = start.Add(time.Duration(body.TimeoutMs) * time.Millisecond).Format(time.RFC3339)
	}
	if body.Lifecycle != nil {
		s.Lifecycle.OnTimeout = body.Lifecycle.OnTimeout
		s.Lifecycle.AutoResume = body.Lifecycle.AutoResume
	}
	api.sandboxes = append(api.sandboxes, s)
	api.reply(w, 201, s)
}

// list pages through the sandboxes, one page of `limit` at a time; the cursor is an offset.
func (api *fakeAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	states := q["state"]
	if len(states) == 0 {
		states = []string{"running"}
	}
	filter, _ := url.ParseQuery(q.Get("metadata"))
	var match []*fakeSandbox
	for _, s := range api.sandboxes {
		ok := slices.Contains(states, s.State)
		for k := range filter {
			ok = ok && s.Metadata[k] == filter.Get(k)
		}
		if ok {
			match = append(match, s)
		}
	}
	limit, offset := 100, 0
	if v, err := strconv.Atoi(q.Get("limit")); err == nil {
		limit = v
	}
	if v, err := strconv.Atoi(strings.TrimPrefix(q.Get("cursor"), "c_")); err == nil {
		offset = v
	}
	end := min(offset+limit, len(match))
	page := map[string]any{"sandboxes": match[min(offset, end):end]}
	if end < len(match) {
		page["nextCursor"] = fmt.Sprintf("c_%d", end)
	}
	api.reply(w, 200, page)
}
