package tensorbox

// Unit tests of the handwritten core's pure parts, and of what the public API cannot reach
// with this spec (an operation that is not safe to retry).

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestEscapeIsCanonical(t *testing.T) {
	cases := map[string]string{
		"sbx_abc-1.2~x":     "sbx_abc-1.2~x",
		"a b":               "a%20b",
		"a+b":               "a%2Bb",
		"sbx/../x y":        "sbx%2F..%2Fx%20y",
		"ü":                 "%C3%BC",
		"!*'();:@&=$,?#[]%": "%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%3F%23%5B%5D%25",
		"":                  "",
	}
	for in, want := range cases {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
		if back, err := url.PathUnescape(escape(in)); err != nil || back != in {
			t.Errorf("escape(%q) does not decode back: %q, %v", in, back, err)
		}
	}
}

func TestQueryOrderAndMapEncoding(t *testing.T) {
	var q query
	q.addEach("state", []string{"running", "paused"})
	q.addMap("metadata", map[string]string{"team": "ml", "userId": "123"})
	q.addMap("empty", nil)
	q.add("limit", "10")
	want := "state=running&state=paused&metadata=team%3Dml%26userId%3D123&limit=10"
	if got := q.String(); got != want {
		t.Errorf("query = %q, want %q", got, want)
	}
}

func TestFormatTimeIsUTCWithMilliseconds(t *testing.T) {
	at := time.Date(2026, 11, 29, 11, 0, 0, 5e6, time.FixedZone("CET", 3600))
	if got, want := formatTime(at), "2026-11-29T10:00:00.005Z"; got != want {
		t.Errorf("formatTime = %q, want %q", got, want)
	}
}

func TestBackoffGrowsIsCappedAndJittered(t *testing.T) {
	for attempt, ceiling := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second} {
		lo, hi := ceiling, time.Duration(0)
		for range 200 {
			d := backoff(attempt + 40*(attempt/6)) // attempt 6 stands for a huge one: still capped
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo < ceiling*3/4 || hi > ceiling {
			t.Errorf("attempt %d: waits in [%v, %v], want within [%v, %v]", attempt, lo, hi, ceiling*3/4, ceiling)
		}
		if lo == hi {
			t.Errorf("attempt %d: no jitter (always %v)", attempt, lo)
		}
	}
}

func TestRetryAfterHeaders(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		header    http.Header
		wait      time.Duration
		wantAsked bool
	}{
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond, true},
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"9"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After": {now.Add(3 * time.Second).Format(http.TimeFormat)}}, 3 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{}, 0, false},
	}
	for _, c := range cases {
		wait, asked := retryAfter(c.header, now)
		if wait != c.wait || asked != c.wantAsked {
			t.Errorf("retryAfter(%v) = %v, %v; want %v, %v", c.header, wait, asked, c.wait, c.wantAsked)
		}
	}
}

func TestUnsafeOperationIsNeverRetried(t *testing.T) {
	var hits atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(503)
	}))
	defer server.Close()
	c, err := resolve("test", &Options{Domain: server.URL, APIKey: "k_test_1234", MaxRetries: Ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	err = c.do(context.Background(), &call{op: &operation{method: "POST"}, path: "/things"}, nil)
	if !errors.Is(err, ErrInternalServer) || hits.Load() != 1 {
		t.Fatalf("want one attempt ending in a 503 error, got %d attempts, %v", hits.Load(), err)
	}
}

func TestOptionsMergeLaysCallOverInstance(t *testing.T) {
	base := Options{Domain: "https://a.example", APIKey: "k1", MaxRetries: Ptr(3), Headers: map[string]string{"A": "1", "B": "1"}}
	got := merge(base, &Options{RequestTimeout: time.Second, Headers: map[string]string{"B": "2"}})
	if got.Domain != base.Domain || got.APIKey != "k1" || *got.MaxRetries != 3 || got.RequestTimeout != time.Second {
		t.Errorf("merge kept the wrong fields: %+v", got)
	}
	if got.Headers["A"] != "1" || got.Headers["B"] != "2" || base.Headers["B"] != "1" {
		t.Errorf("headers: got %v (base now %v)", got.Headers, base.Headers)
	}
	if !(&Options{}).isZero() || (&Options{Debug: true}).isZero() {
		t.Error("isZero is wrong")
	}
}

func TestRedactRemovesKeyAndSecrets(t *testing.T) {
	c := &config{apiKey: "tb_live_secret"}
	got := c.redact(&call{secrets: []string{"envvalue123", "ab"}}, "key tb_live_secret env envvalue123 short ab")
	if strings.Contains(got, "tb_live_secret") || strings.Contains(got, "envvalue123") || !strings.Contains(got, "short ab") {
		t.Errorf("redact = %q", got)
	}
}
