package tensorbox_test

// TestMain starts what the tests share: the conformance harness (Prism behind the recording
// proxy, test/harness/serve.mjs), the fault server (test/faults/server.mjs) and the small fake
// API the runnable examples talk to.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

type harness struct {
	url   string
	stdin io.WriteCloser
	cmd   *exec.Cmd
}

var (
	theHarness *harness
	harnessErr error
	theFaults  *harness
	faultsErr  error
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	theHarness, harnessErr = startNode("test/harness/serve.mjs")
	if theHarness != nil {
		defer theHarness.stop()
	}
	theFaults, faultsErr = startNode("test/faults/server.mjs")
	if theFaults != nil {
		defer theFaults.stop()
	}
	stopExamples := startExampleAPI()
	defer stopExamples()
	return m.Run()
}

// sharedHarness returns the running harness, or fails the test: a harness that did not start
// is a failure, never a skip.
func sharedHarness(t *testing.T) *harness {
	t.Helper()
	if harnessErr != nil {
		t.Fatalf("the conformance harness did not start: %v", harnessErr)
	}
	return theHarness
}

// faultServer returns the running fault server, or fails the test.
func faultServer(t *testing.T) *harness {
	t.Helper()
	if faultsErr != nil {
		t.Fatalf("the fault server did not start: %v", faultsErr)
	}
	return theFaults
}

// repoRoot is the monorepo's root, two levels above this package.
func repoRoot() string {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return root
}

// startNode runs `node <script>` (a path from the repository root) and reads the one JSON line
// `{"url": …}` it prints. The server stops when its stdin closes.
func startNode(rel string) (*harness, error) {
	root := repoRoot()
	script := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Errorf("no harness at %s: %w", script, err)
	}
	cmd := exec.Command("node", script)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting node (is Node.js installed, and were the npm dependencies installed?): %w", err)
	}
	h := &harness{stdin: stdin, cmd: cmd}
	line := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		if scanner.Scan() {
			line <- scanner.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case text, ok := <-line:
		var info struct {
			URL string `json:"url"`
		}
		if !ok || json.Unmarshal([]byte(text), &info) != nil || info.URL == "" {
			h.stop()
			return nil, fmt.Errorf("%s printed %q instead of {\"url\": …}", rel, text)
		}
		h.url = info.URL
		return h, nil
	case <-time.After(90 * time.Second):
		h.stop()
		return nil, fmt.Errorf("%s did not start within 90 s", rel)
	}
}

func (h *harness) stop() {
	_ = h.stdin.Close()
	done := make(chan struct{})
	go func() {
		_ = h.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = h.cmd.Process.Kill()
		<-done
	}
}
