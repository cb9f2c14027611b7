package tensorbox_test

// The Go lines of the product page (lifecycle-contract.md), written exactly as the page writes
// them, run against the examples' fake API: if a shape changes, this stops compiling.

import (
	"context"
	"os"
	"testing"
	"time"

	tensorbox "github.com/tensor-box/tensor-box/packages/go-sdk"
)

func TestContractShapes(t *testing.T) {
	ctx := context.Background()
	domain := os.Getenv("TENSOR_BOX_DOMAIN")
	autoResume := true

	sandbox, err := tensorbox.Create(ctx, "default", &tensorbox.CreateOptions{Options: tensorbox.Options{Domain: domain}, Timeout: 60 * time.Second, Envs: map[string]string{"API_TOKEN": "xxx"}, Metadata: map[string]string{"userId": "789"}, Lifecycle: &tensorbox.LifecycleConfig{OnTimeout: "pause", AutoResume: &autoResume}})
	if err != nil {
		t.Fatal(err)
	}
	connected, err := tensorbox.Connect(ctx, sandbox.ID(), &tensorbox.ConnectOptions{Options: tensorbox.Options{Domain: domain}})
	if err != nil {
		t.Fatal(err)
	}
	connected.Disconnect()

	list, err := tensorbox.List(ctx, &tensorbox.ListOptions{State: []string{"running", "paused"}, Metadata: map[string]string{"userId": "789"}})
	if err != nil || len(list) != 1 || list[0].SandboxID != sandbox.ID() {
		t.Fatalf("List: %v, %v", list, err)
	}

	if err := sandbox.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.Resume(ctx, 120*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := sandbox.SetTimeout(ctx, 120*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := sandbox.KeepAlive(ctx, 300*time.Second); err != nil {
		t.Fatal(err)
	}
	running := sandbox.IsRunning(ctx)
	var info tensorbox.Info
	info, err = sandbox.GetInfo(ctx)
	if err != nil || !running || info.State != tensorbox.SandboxStateRunning {
		t.Fatalf("GetInfo: %+v, running %v, %v", info, running, err)
	}
	var metrics []tensorbox.Metric
	if metrics, err = sandbox.GetMetrics(ctx); err != nil || len(metrics) == 0 {
		t.Fatalf("GetMetrics: %v, %v", metrics, err)
	}
	var logs []tensorbox.LogEntry
	if logs, err = sandbox.GetLogs(ctx); err != nil || len(logs) == 0 {
		t.Fatalf("GetLogs: %v, %v", logs, err)
	}

	// Every instance method has a package-level twin by ID.
	id := sandbox.ID()
	if _, err := tensorbox.GetInfoByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := tensorbox.SetTimeoutByID(ctx, id, 120*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := tensorbox.KeepAliveByID(ctx, id, 300*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := tensorbox.PauseByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := tensorbox.ResumeByID(ctx, id, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tensorbox.GetMetricsByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := tensorbox.GetLogsByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if ok, err := tensorbox.IsRunningByID(ctx, id); err != nil || !ok {
		t.Fatalf("IsRunningByID: %v, %v", ok, err)
	}
	if err := sandbox.Kill(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tensorbox.KillByID(ctx, id); err != nil {
		t.Fatal("a kill of a closed sandbox succeeds:", err)
	}
	sandbox.Disconnect()
}
