// Command go-throughput measures loopback call throughput of the Go SDK against raw net/http
// with the same keep-alive client, in one run, and prints the ratio.
//
// Every side makes the same sequential GET /sandboxes/{id} against one in-process server and
// decodes the same JSON into tensorbox.Info. The baseline is raw net/http sending the same
// request on the wire (the headers every tensor-box SDK must send: API key, User-Agent,
// language, version, runtime, retry count), so the ratio measures the SDK's own cost. A raw
// request with the API key alone is shown too: the difference is the price of those headers,
// paid by any client of the protocol. Each round runs every side once, in a new random order,
// so that drift and the load of other processes fall on all sides alike; the gate uses the
// median of the per-round ratios.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	tensorbox "github.com/tensor-box/tensor-box/packages/go-sdk"
)

const info = `{"sandboxId":"sbx_abc123","templateId":"default","state":"running","startedAt":"2026-11-29T10:00:00Z",` +
	`"endAt":"2026-11-29T10:01:00Z","cpuCount":2,"memoryMB":2048,"diskGB":40,"metadata":{"userId":"123"},` +
	`"lifecycle":{"onTimeout":"pause","autoResume":true}}`

func main() {
	calls := flag.Int("calls", 300, "calls per round and side")
	rounds := flag.Int("rounds", 60, "rounds (each side once per round, in a random order)")
	minRatio := flag.Float64("min", 0.95, "exit 1 when a ratio is below this")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the measured rounds to this file")
	flag.Parse()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	body := []byte(info)
	server := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})}
	go func() { _ = server.Serve(listener) }()
	defer server.Close()
	base := "http://" + listener.Addr().String()

	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 4
	client := &http.Client{Transport: transport}
	ctx := context.Background()
	opts := tensorbox.Options{Domain: base, APIKey: "tb_bench_key", HTTPClient: client}

	// The SDK's headers, read from a request the SDK sent, so the baseline stays in step.
	var sdkHeader http.Header
	probe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sdkHeader = r.Header.Clone()
		_, _ = w.Write(body)
	}))
	if _, err := tensorbox.GetInfoByID(ctx, "sbx_abc123", &tensorbox.Options{Domain: probe.URL, APIKey: "tb_bench_key"}); err != nil {
		fail(err)
	}
	probe.Close()
	sdkHeader.Del("Accept-Encoding") // the transport adds it itself
	keyOnly := http.Header{"X-Api-Key": {"tb_bench_key"}}

	// raw sends the request with net/http directly. With timeout set it also bounds the attempt
	// as the SDK does (60 s per attempt, through the request's context): the gated baseline is
	// the same request with the same per-attempt limit.
	raw := func(header http.Header, timeout bool) func() error {
		return func() error {
			rctx := ctx
			if timeout {
				var cancel context.CancelFunc
				rctx, cancel = context.WithTimeout(ctx, 60*time.Second)
				defer cancel()
			}
			req, err := http.NewRequestWithContext(rctx, http.MethodGet, base+"/sandboxes/sbx_abc123", nil)
			if err != nil {
				return err
			}
			req.Header = header.Clone()
			return rawCall(client, req)
		}
	}
	sbx, err := tensorbox.Connect(ctx, "sbx_abc123", &tensorbox.ConnectOptions{Options: opts})
	if err != nil {
		fail(err)
	}
	instance := func() error {
		_, err := sbx.GetInfo(ctx)
		return err
	}
	byID := func() error {
		_, err := tensorbox.GetInfoByID(ctx, "sbx_abc123", &opts)
		return err
	}

	sides := []struct {
		name string
		call func() error
		took time.Duration
		cpu  time.Duration
		// perRound[r] is this side's time in round r, for paired per-round ratios.
		perRound []time.Duration
		// gated: the SDK sides are held to the minimum ratio
		gated bool
	}{
		{name: "raw, same request", call: raw(sdkHeader, true)},
		{name: "raw, API key only", call: raw(keyOnly, false)},
		{name: "sdk Sandbox.GetInfo", call: instance, gated: true},
		{name: "sdk GetInfoByID", call: byID, gated: true},
	}
	for i := range sides { // warm-up: connections, code paths
		if _, _, err := measure(sides[i].call, *calls/4); err != nil {
			fail(err)
		}
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	for r := 0; r < *rounds; r++ {
		// A new order every round: no side always follows the same one (its garbage, its timers).
		for _, i := range rand.Perm(len(sides)) {
			took, cpu, err := measure(sides[i].call, *calls)
			if err != nil {
				fail(fmt.Errorf("%s: %w", sides[i].name, err))
			}
			sides[i].took += took
			sides[i].cpu += cpu
			sides[i].perRound = append(sides[i].perRound, took)
		}
	}

	total := float64(*calls * *rounds)
	rawRate := total / sides[0].took.Seconds()
	fmt.Printf("loopback GET /sandboxes/{id}: %d sequential calls per side in %d rounds of %d (random order per round), one keep-alive client\n", *calls**rounds, *rounds, *calls)
	fmt.Printf("headers of the SDK's request: %s\n", strings.Join(slices.Sorted(maps.Keys(sdkHeader)), ", "))
	fmt.Printf("%-20s %10s %10s %14s %14s %12s %12s\n", "", "calls/s", "µs/call", "ratio (total)", "ratio (median)", "CPU µs/call", "CPU ratio")
	ok := true
	for _, s := range sides {
		rate := total / s.took.Seconds()
		// The median of per-round ratios resists bursts of load from other processes, which
		// hit one round of one side; the gate uses it.
		ratios := make([]float64, len(s.perRound))
		for r, took := range s.perRound {
			ratios[r] = sides[0].perRound[r].Seconds() / took.Seconds()
		}
		slices.Sort(ratios)
		median := ratios[len(ratios)/2]
		cpuPerCall := float64(s.cpu.Microseconds()) / total
		fmt.Printf("%-20s %10.0f %10.1f %14.3f %14.3f %12.1f %12.3f\n", s.name, rate, float64(s.took.Microseconds())/total, rate/rawRate, median, cpuPerCall, sides[0].cpu.Seconds()/s.cpu.Seconds())
		if s.gated && median < *minRatio {
			ok = false
		}
	}
	keyOnlyRate := total / sides[1].took.Seconds()
	fmt.Printf("against raw with the API key only and no per-attempt timeout (ratio (total)): Sandbox.GetInfo %.3f, GetInfoByID %.3f\n",
		total/sides[2].took.Seconds()/keyOnlyRate, total/sides[3].took.Seconds()/keyOnlyRate)
	if !ok {
		fmt.Printf("FAIL: an SDK ratio is below %.2f\n", *minRatio)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
	fmt.Printf("ok: every SDK ratio is at least %.2f\n", *minRatio)
}

// rawCall is what a net/http user writes: send, read the body, check the status, decode.
func rawCall(client *http.Client, req *http.Request) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	var out tensorbox.Info
	return json.Unmarshal(data, &out)
}

// measure makes n calls and returns the wall time and the process's CPU time (user and
// system, client and server together) they took.
func measure(call func() error, n int) (wall, cpu time.Duration, err error) {
	cpuStart := cpuTime()
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := call(); err != nil {
			return 0, 0, err
		}
	}
	return time.Since(start), cpuTime() - cpuStart, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "go-throughput:", err)
	os.Exit(2)
}
