package tensorbox_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	tensorbox "github.com/tensor-box/tensor-box/packages/go-sdk"
)

// Create a sandbox with every option of the product page. The domain and the API key come
// from TENSOR_BOX_DOMAIN and TENSOR_BOX_API_KEY here; Options sets them explicitly.
func ExampleCreate() {
	ctx := context.Background()
	autoResume := true
	sbx, err := tensorbox.Create(ctx, "default", &tensorbox.CreateOptions{
		Timeout:   60 * time.Second,
		Envs:      map[string]string{"API_TOKEN": "xxx"},
		Metadata:  map[string]string{"userId": "456"},
		Lifecycle: &tensorbox.LifecycleConfig{OnTimeout: "pause", AutoResume: &autoResume},
	})
	if err != nil {
		log.Fatal(err)
	}
	info, err := sbx.GetInfo(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.State, info.TemplateID, info.EndAt.Sub(info.StartedAt), info.Lifecycle.OnTimeout, info.Lifecycle.AutoResume)
	// Output: running default 1m0s pause true
}

// Connect to a sandbox by its ID; Disconnect leaves it running, and the Sandbox refuses
// further calls.
func ExampleConnect() {
	ctx := context.Background()
	domain := os.Getenv("TENSOR_BOX_DOMAIN") // https://app.tos.run unless set
	sbx, err := tensorbox.Connect(ctx, "sbx_abc123", &tensorbox.ConnectOptions{
		Options: tensorbox.Options{Domain: domain},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("connected to", sbx.ID())
	sbx.Disconnect()
	_, err = sbx.GetInfo(ctx)
	fmt.Println(errors.Is(err, tensorbox.ErrUserAbort))
	// Output:
	// connected to sbx_abc123
	// true
}

// List the running and paused sandboxes of one user. Without State, List returns running
// sandboxes only.
func ExampleList() {
	sandboxes, err := tensorbox.List(context.Background(), &tensorbox.ListOptions{
		State:    []string{"running", "paused"},
		Metadata: map[string]string{"userId": "123"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sandboxes {
		fmt.Println(s.SandboxID, s.State)
	}
	// Output:
	// sbx_abc123 running
	// sbx_def456 paused
}

// Walk a large fleet one page at a time; breaking out of the loop fetches no more pages.
func ExampleListIter() {
	ctx := context.Background()
	opts := &tensorbox.ListOptions{State: []string{"running", "paused"}, Metadata: map[string]string{"userId": "123"}, Limit: 1}
	for info, err := range tensorbox.ListIter(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(info.SandboxID)
	}
	// Output:
	// sbx_abc123
	// sbx_def456
}

func ExampleSandbox_Pause() {
	ctx := context.Background()
	sbx, err := tensorbox.Create(ctx, "default")
	if err != nil {
		log.Fatal(err)
	}
	if err := sbx.Pause(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("running after pause:", sbx.IsRunning(ctx))
	info, err := sbx.Resume(ctx, 120*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after resume:", info.State)
	// Output:
	// running after pause: false
	// after resume: running
}

func ExampleSandbox_SetTimeout() {
	ctx := context.Background()
	sbx, err := tensorbox.Create(ctx, "default")
	if err != nil {
		log.Fatal(err)
	}
	if err := sbx.SetTimeout(ctx, 120*time.Second); err != nil {
		log.Fatal(err)
	}
	if err := sbx.KeepAlive(ctx, 300*time.Second); err != nil {
		log.Fatal(err)
	}
	// A duration must be whole milliseconds within the spec's limits, checked before sending.
	err = sbx.SetTimeout(ctx, 1500*time.Microsecond)
	fmt.Println(err)
	// Output: Sandbox.SetTimeout: timeout must be a whole number of milliseconds from 1s to 24h0m0s (got 1.5ms)
}

func ExampleSandbox_GetMetrics() {
	ctx := context.Background()
	sbx, err := tensorbox.Connect(ctx, "sbx_abc123")
	if err != nil {
		log.Fatal(err)
	}
	samples, err := sbx.GetMetrics(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range samples {
		fmt.Printf("%s cpu %.2f%% mem %d MiB\n", m.Timestamp.Format(time.TimeOnly), m.CPUUsedPct, m.MemUsed>>20)
	}
	logs, err := sbx.GetLogs(ctx, &tensorbox.GetLogsOptions{Limit: 10})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range logs {
		fmt.Println(e.Level, e.Source, e.Message)
	}
	// Output:
	// 10:00:05 cpu 12.50% mem 256 MiB
	// 10:00:10 cpu 40.25% mem 288 MiB
	// info lifecycle sandbox created from template default
	// info process listening on :8080
}

// Kill a sandbox known only by its ID; a closed sandbox stays visible for a while.
func ExampleKillByID() {
	ctx := context.Background()
	sbx, err := tensorbox.Create(ctx, "default")
	if err != nil {
		log.Fatal(err)
	}
	if err := tensorbox.KillByID(ctx, sbx.ID()); err != nil {
		log.Fatal(err)
	}
	info, err := tensorbox.GetInfoByID(ctx, sbx.ID())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.State)
	// Output: closed
}

// Errors from the server are *APIError values; errors.Is tells their class apart.
func ExampleAPIError() {
	_, err := tensorbox.GetInfoByID(context.Background(), "sbx_missing")
	var apiErr *tensorbox.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(errors.Is(err, tensorbox.ErrNotFound), apiErr.StatusCode, apiErr.Code)
		fmt.Println(err)
	}
	// Output:
	// true 404 sandbox_not_found
	// GET /sandboxes/sbx_missing → 404 Not Found: sandbox sbx_missing not found (request req_example)
}
