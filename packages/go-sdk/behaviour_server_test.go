//go:build linux

package tensorbox_test

// Runs every shared behaviour scenario (test/behaviour/*.yaml; the format is that folder's
// README.md) with the Go SDK against the local tensor-box server (packages/server), a fresh
// server for each file. It is the Go counterpart of the TypeScript runner,
// packages/server/test/helpers/runner.ts, and makes the same checks.
//
// Reading the files. They are YAML and this package uses the standard library only, so the
// test lists test/behaviour/*.yaml itself (every run: a file added to the folder is picked up
// with no change here) and has Node convert them: `node -e <bhYAMLToJSON> <file>…`, run in the
// repository root, parses each file with the repository's own `yaml` package
// (node_modules/yaml, YAML 1.2 core schema, like the TS runner's loader) and prints one JSON
// array. A file that does not parse fails its own subtest only.
//
// The server. Each scenario starts `node packages/server/dist/cli.js` (scripts/test.sh builds
// it first) on a free port and a fresh data folder, with one key per name in `keys:`, as the
// README says. t.Cleanup stops it (SIGTERM, then SIGKILL after 10 s), SIGKILLs every process
// of its sandboxes and removes its folder, whether the scenario passed or not; the server also
// gets SIGKILL from the kernel if this test binary dies (Pdeathsig). A scenario that left no
// sandbox running or paused fails if any sandbox process was still there at the end.
//
// The calls. Every SDK step is one call of the Go API: Create, Connect, List (every page) and
// the …ByID functions, with the step's key, MaxRetries 0, and durations as time.Duration.
// `http` steps are raw net/http requests (a string body without a Content-Type header gets
// fetch's text/plain;charset=UTF-8, as in the TS runner). `host`, `hostKill` and
// `restartServer` look at and act on the machine through /proc and signals, which is why this
// file is Linux only (behaviour_server_other_test.go says so elsewhere).
//
// Steps Go cannot express. A value the Go API has no way to say (a zero optional duration or
// page size, which in Go means "not set"; a non-string metadata value) makes the step
// inexpressible. Such a step must be listed in behaviourGoCannotExpress with the reason; it is
// then skipped and reported, and the list is asserted both ways. Today the list is empty.
//
// The runner is strict about the files: an unknown `do:`, an unknown field of a step, an
// expectation that is not defined for the step's kind, or a malformed value fails the step,
// so a scenario never passes by being misread. Beyond the TS runner it also checks `info`
// (and `save`) on `waitFor`, metrics expectations on `waitForMetrics` and log expectations on
// `waitForLog` (the TS runner ignores them there), and accepts `as:` on `connect`.
// TestBehaviourRunnerCoversTheREADME holds the runner to the README's tables of step kinds,
// host checks and expectations; TestBehaviourRunnerCatchesMistakes shows, against a real
// server, that every kind of check fails when it should.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tensorbox "github.com/tensor-box/tensor-box/packages/go-sdk"
)

// behaviourGoCannotExpress lists the steps ("<file> step <n>", n from 1) that the Go API cannot
// write as the scenario means them, with the reason. A listed step is skipped and logged; an
// inexpressible step that is not listed fails its scenario; a listed step that no scenario
// reaches any more fails TestBehaviourScenarios. There is none today.
var behaviourGoCannotExpress = map[string]string{}

const (
	// bhWrongKey is the key `key: wrong` stands for (README, "Raw requests").
	bhWrongKey = "tbx_wrong_key_0000"
	// bhHostWait is how long host checks poll (README, "Host checks").
	bhHostWait     = 2 * time.Second
	bhStartWait    = 20 * time.Second
	bhStopWait     = 10 * time.Second
	bhScenarioWait = 3 * time.Minute
	bhCallTimeout  = 30 * time.Second
)

var bhListening = regexp.MustCompile(`listening on http://\S+`)

// bhStepFields are the fields of each step kind besides do, mark, expect and client (README,
// "Steps"). A field not listed here fails the step.
var bhStepFields = map[string][]string{
	"create":         {"as", "template", "options"},
	"connect":        {"as", "id", "options"},
	"getInfo":        {"id"},
	"isRunning":      {"id"},
	"list":           {"query"},
	"pause":          {"id"},
	"resume":         {"id", "timeoutMs"},
	"setTimeout":     {"id", "timeoutMs"},
	"keepAlive":      {"id", "durationMs"},
	"kill":           {"id", "ids"},
	"getMetrics":     {"id", "since"},
	"getLogs":        {"id", "since"},
	"waitFor":        {"id", "state", "withinMs"},
	"waitForMetrics": {"id", "atLeast", "since", "withinMs"},
	"waitForLog":     {"id", "source", "includes", "withinMs"},
	"host":           {"id", "process", "folder", "env", "savePid", "samePid", "limits"},
	"hostKill":       {"id"},
	"restartServer":  {"signal", "hostKill"},
	"http":           {"method", "path", "query", "headers", "body", "key"},
}

// bhStepExpect are the expectations each step kind may have (README, "Expectations" and
// "Raw requests").
var bhStepExpect = map[string][]string{
	"create":         {"error", "info", "save", "sameAs", "notSameAs"},
	"connect":        {"error", "info", "save", "sameAs", "notSameAs"},
	"getInfo":        {"error", "info", "save"},
	"resume":         {"error", "info", "save"},
	"waitFor":        {"error", "info", "save"},
	"isRunning":      {"error", "value"},
	"list":           {"error", "ids"},
	"pause":          {"error"},
	"setTimeout":     {"error"},
	"keepAlive":      {"error"},
	"kill":           {"error", "perId"},
	"getMetrics":     {"error", "count", "each", "latest"},
	"waitForMetrics": {"error", "count", "each", "latest"},
	"getLogs":        {"error", "contains", "inOrder"},
	"waitForLog":     {"error", "contains", "inOrder"},
	"host":           {},
	"hostKill":       {},
	"restartServer":  {},
	"http":           {"status", "code", "messageIncludes", "messageExcludes", "headers"},
}

// bhHostChecks are the checks of a `host` step (README, "Host checks").
var bhHostChecks = []string{"process", "folder", "env", "savePid", "samePid", "limits"}

// ---------------------------------------------------------------------------------------------
// The test.

func TestBehaviourScenarios(t *testing.T) {
	dir := filepath.Join(repoRoot(), "test", "behaviour")
	scenarios, err := bhLoadScenarios(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, sc := range scenarios {
		files = append(files, sc.File)
	}
	for _, want := range []string{"lifecycle.yaml", "restart-adoption.yaml", "bad-input.yaml"} {
		if !slices.Contains(files, want) {
			t.Fatalf("%s is missing from %s (found %v)", want, dir, files)
		}
	}

	hits := map[string]bool{}
	ran, steps := 0, 0
	for i := range scenarios {
		sc := &scenarios[i]
		t.Run(strings.TrimSuffix(sc.File, ".yaml"), func(t *testing.T) {
			ran++
			steps += len(sc.Steps)
			bhRunScenario(t, sc, hits)
		})
	}
	t.Logf("%d scenario files (%d ran), %d steps; %d steps skipped as inexpressible in Go", len(scenarios), ran, steps, len(hits))
	if ran == len(scenarios) {
		for key, why := range behaviourGoCannotExpress {
			if !hits[key] {
				t.Errorf("behaviourGoCannotExpress lists %q (%s), but no scenario reached such a step", key, why)
			}
		}
	}
}

// TestBehaviourRunnerCoversTheREADME reads the step kinds, host checks and expectations the
// README documents and requires this runner to know every one of them (and to know no step
// kind the README does not document).
func TestBehaviourRunnerCoversTheREADME(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "test", "behaviour", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	// section is the text under the heading that starts with title, up to the next one.
	section := func(title string) string {
		start := strings.Index(text, "\n"+title)
		if start < 0 {
			t.Fatalf("the README has no section %q", title)
		}
		rest := text[start+len(title)+1:]
		if end := strings.Index(rest, "\n## "); end >= 0 {
			rest = rest[:end]
		}
		return rest
	}

	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(\\w+)` \\|").FindAllStringSubmatch(section("## Steps"), -1) {
		if m[1] == "do" {
			continue // the table's header
		}
		documented[m[1]] = true
		if _, ok := bhStepFields[m[1]]; !ok {
			t.Errorf("the README documents the step kind %q; this runner does not know it", m[1])
		}
	}
	if len(documented) < 10 {
		t.Fatalf("found only %d step kinds in the README's table: has its format changed?", len(documented))
	}
	for kind := range bhStepFields {
		if !documented[kind] {
			t.Errorf("this runner knows the step kind %q, which the README does not document", kind)
		}
	}

	checks := regexp.MustCompile("(?m)^\\| `(\\w+):").FindAllStringSubmatch(section("## Host checks"), -1)
	if len(checks) < 5 {
		t.Fatalf("found only %d host checks in the README's table: has its format changed?", len(checks))
	}
	for _, m := range checks {
		if !slices.Contains(bhHostChecks, m[1]) {
			t.Errorf("the README documents the host check %q; this runner does not know it", m[1])
		}
	}

	known := map[string]bool{}
	for _, keys := range bhStepExpect {
		for _, k := range keys {
			known[k] = true
		}
	}
	n := 0
	for _, line := range strings.Split(section("## Expectations"), "\n") {
		if !strings.HasPrefix(line, "- ") {
			continue // the nested bullets are the fields of info
		}
		for _, m := range regexp.MustCompile("`(\\w+):").FindAllStringSubmatch(line, -1) {
			n++
			if !known[m[1]] {
				t.Errorf("the README documents the expectation %q; this runner does not know it", m[1])
			}
		}
	}
	if n < 10 {
		t.Fatalf("found only %d expectations in the README: has its format changed?", n)
	}
}

// TestBehaviourRunnerCatchesMistakes shows that the runner's checks bite: against a real
// server, steps whose expectations do not hold, malformed steps and files, and steps Go cannot
// express each give the error they should, not a pass.
func TestBehaviourRunnerCatchesMistakes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"good.yaml":     "name: good\nsteps:\n  - { do: create, as: a }\n",
		"broken.yaml":   "name: broken\nsteps: [\n",
		"nameless.yaml": "steps: []\n",
		"extra.yaml":    "name: extra\nsteps: []\ncolour: red\n",
		"keys.yaml":     "name: keys\nkeys: [main, main]\nsteps: []\n",
		"ignored.yml":   "name: not a scenario file\nsteps: []\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	loaded, err := bhLoadScenarios(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sc := range loaded {
		got = append(got, fmt.Sprintf("%s:%v", sc.File, sc.Problem == nil))
	}
	if want := []string{"broken.yaml:false", "extra.yaml:false", "good.yaml:true", "keys.yaml:false", "nameless.yaml:false"}; !slices.Equal(got, want) {
		t.Fatalf("loading: got %v, want %v", got, want)
	}
	if good := loaded[2]; good.Name != "good" || len(good.Steps) != 1 || !slices.Equal(good.Keys, []string{"main"}) {
		t.Fatalf("good.yaml read as %+v", good)
	}

	sc := &bhScenario{File: "mistakes.yaml", Name: "mistakes", Keys: []string{"main", "other"}}
	srv := bhStartServer(t, sc.Keys)
	r := bhNewRun(t, sc, srv)
	run := func(text string) error {
		v, err := bhDecode([]byte(text))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return r.step(v.(map[string]any))
	}
	// What the mistakes are made against; each of these must pass.
	for _, text := range []string{
		`{"do":"create","as":"a","options":{"timeoutMs":60000,"envs":{"GREETING":"hello"}},"expect":{"info":{"state":"running","endAt":{"inMs":60000}}}}`,
		`{"do":"waitForLog","id":"a","source":"process","includes":"ready","withinMs":5000}`,
		`{"do":"waitForMetrics","id":"a","atLeast":1,"withinMs":5000}`,
		`{"do":"host","id":"a","process":"running","folder":"present","env":{"GREETING":"hello"},"limits":{"addressSpaceMB":2048}}`,
		`{"do":"list","expect":{"ids":["a"]}}`,
	} {
		if err := run(text); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}

	const (
		fault  = "a failed check or a malformed step"
		sdk    = "the SDK's error"
		inexpr = "inexpressible in Go"
		pass   = "a pass"
	)
	for _, c := range []struct{ kind, step string }{
		{fault, `{"do":"getInfo","id":"a","expect":{"info":{"state":"paused"}}}`},
		{fault, `{"do":"getInfo","id":"a","expect":{"info":{"endAt":{"inMs":5000}}}}`},
		{fault, `{"do":"getInfo","id":"a","expect":{"info":{"metadata":{"x":"1"}}}}`},
		{fault, `{"do":"getInfo","id":"a","expect":{"info":{"lifecycle":{"onTimeout":"kill"}}}}`},
		{fault, `{"do":"getInfo","id":"a","expect":{"info":{"cpuCount":3}}}`},
		{fault, `{"do":"getInfo","id":"a","expect":{"info":{"endAt":{"equals":"unsaved"}}}}`},
		{fault, `{"do":"getInfo","id":"a","expect":{"info":{"colour":"red"}}}`},
		{fault, `{"do":"isRunning","id":"a","expect":{"value":false}}`},
		{fault, `{"do":"list","expect":{"ids":[]}}`},
		{fault, `{"do":"list","client":"other","expect":{"ids":["a"]}}`},
		{fault, `{"do":"pause","id":"sbx_doesnotexist","expect":{"error":{"class":"ConflictError"}}}`},
		{fault, `{"do":"pause","id":"sbx_doesnotexist","expect":{"error":{"class":"NotFoundError","status":409}}}`},
		{fault, `{"do":"pause","id":"sbx_doesnotexist","expect":{"error":{"class":"NotFoundError","code":"other_code"}}}`},
		{fault, `{"do":"pause","id":"sbx_doesnotexist","expect":{"error":{"class":"NotFoundError","messageIncludes":"no such words"}}}`},
		{fault, `{"do":"getInfo","id":"a","expect":{"error":{"class":"NotFoundError"}}}`},
		{sdk, `{"do":"pause","id":"sbx_doesnotexist"}`},
		{fault, `{"do":"kill","ids":["sbx_doesnotexist"],"expect":{"perId":{"sbx_doesnotexist":"ok"}}}`},
		{fault, `{"do":"kill","ids":["sbx_doesnotexist"]}`},
		{fault, `{"do":"kill","ids":["sbx_doesnotexist"],"expect":{"perId":{"sbx_doesnotexist":{"class":"ConflictError"}}}}`},
		{fault, `{"do":"getMetrics","id":"a","expect":{"count":{"min":100000}}}`},
		{fault, `{"do":"getMetrics","id":"a","expect":{"each":{"cpuCount":7}}}`},
		{fault, `{"do":"getMetrics","id":"a","expect":{"latest":{"memUsed":{"max":0}}}}`},
		{fault, `{"do":"getLogs","id":"a","expect":{"contains":[{"source":"process","includes":"no such line"}]}}`},
		{fault, `{"do":"getLogs","id":"a","expect":{"contains":[{"source":"process","level":"error","includes":"ready"}]}}`},
		{fault, `{"do":"getLogs","id":"a","expect":{"inOrder":[{"source":"process","includes":"ready"},{"source":"lifecycle","includes":"created from template"}]}}`},
		{fault, `{"do":"waitFor","id":"a","state":"closed","withinMs":300}`},
		{fault, `{"do":"waitForLog","id":"a","source":"process","includes":"never printed","withinMs":300}`},
		{fault, `{"do":"waitForMetrics","id":"a","atLeast":100000,"withinMs":300}`},
		{fault, `{"do":"host","id":"a","process":"stopped"}`},
		{fault, `{"do":"host","id":"a","env":{"GREETING":"bye"}}`},
		{fault, `{"do":"host","id":"a","limits":{"addressSpaceMB":1}}`},
		{fault, `{"do":"host","id":"a","samePid":"unsaved"}`},
		{fault, `{"do":"host","id":"a","process":"asleep"}`},
		{fault, `{"do":"hostKill","id":"sbx_doesnotexist"}`},
		{fault, `{"do":"http","method":"GET","path":"/sandboxes","expect":{"status":404}}`},
		{fault, `{"do":"http","method":"GET","path":"/sandboxes/sbx_nope","expect":{"status":404,"code":"bad_request"}}`},
		{fault, `{"do":"http","method":"GET","path":"/sandboxes/sbx_nope","expect":{"messageIncludes":"no such words"}}`},
		{fault, `{"do":"http","method":"GET","path":"/sandboxes/sbx_nope","expect":{"messageExcludes":"sbx_nope"}}`},
		{fault, `{"do":"http","method":"GET","path":"/sandboxes","expect":{"headers":{"retry-after":"present"}}}`},
		{fault, `{"do":"http","method":"GET","path":"/sandboxes","key":"nobody"}`},
		{fault, `{"do":"restartServer","signal":"SIGHUP"}`},
		{fault, `{"do":"explode"}`},
		{fault, `{"do":"getInfo","id":"a","colour":"red"}`},
		{fault, `{"do":"pause","id":"a","expect":{"ids":[]}}`},
		{fault, `{"do":"getLogs","id":"a","since":"never"}`},
		{fault, `{"do":"list","client":"nobody"}`},
		{fault, `{"do":"list","query":{"colour":"red"}}`},
		{fault, `{"do":"create","options":{"colour":"red"}}`},
		{fault, `{"do":"create","options":{"idempotencyKey":"k1"},"expect":{"sameAs":"a"}}`},
		{pass, `{"do":"create","options":{"idempotencyKey":"k1"},"expect":{"notSameAs":"a"},"client":"other","as":"b"}`},
		{fault, `{"do":"create","options":{"idempotencyKey":"k1"},"expect":{"notSameAs":"b"},"client":"other"}`},
		{inexpr, `{"do":"list","query":{"limit":0}}`},
		{inexpr, `{"do":"create","options":{"metadata":{"k":1}}}`},
		{inexpr, `{"do":"resume","id":"a","timeoutMs":0}`},
	} {
		err := run(c.step)
		var f *bhFault
		var inexp *bhInexpressible
		var ok bool
		switch c.kind {
		case pass:
			ok = err == nil
		case fault:
			ok = errors.As(err, &f)
		case inexpr:
			ok = errors.As(err, &inexp)
		case sdk:
			ok = errors.Is(err, tensorbox.ErrAPI)
		}
		if !ok {
			t.Errorf("%s: want %s, got %v", c.step, c.kind, err)
		}
	}
	// The sandbox is untouched by all that.
	if err := run(`{"do":"getInfo","id":"a","expect":{"info":{"state":"running"}}}`); err != nil {
		t.Fatal(err)
	}
}

// ---------------------------------------------------------------------------------------------
// Scenario files.

type bhScenario struct {
	File  string
	Name  string
	Keys  []string
	Steps []map[string]any
	// Problem is why the file cannot be run (it does not parse, or lacks name or steps).
	Problem error
}

// bhYAMLToJSON is the Node program that converts the scenario files (argv) with the
// repository's `yaml` package; it prints [{file, root} | {file, error}, …] in argument order.
const bhYAMLToJSON = `
const fs = require('node:fs');
const YAML = require('yaml');
const out = process.argv.slice(1).map((file) => {
  try {
    return { file, root: YAML.parse(fs.readFileSync(file, 'utf8')) ?? null };
  } catch (err) {
    return { file, error: String((err && err.message) || err) };
  }
});
process.stdout.write(JSON.stringify(out));
`

// bhLoadScenarios reads every *.yaml file of dir, in name order.
func bhLoadScenarios(dir string) ([]bhScenario, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no scenario files (*.yaml) in %s", dir)
	}
	cmd := exec.Command("node", append([]string{"-e", bhYAMLToJSON}, paths...)...)
	cmd.Dir = repoRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node could not convert the scenario files (is Node.js installed, with the npm dependencies?): %v\n%s", err, stderr.String())
	}
	var converted []struct {
		File  string          `json:"file"`
		Root  json.RawMessage `json:"root"`
		Error string          `json:"error"`
	}
	if err := json.Unmarshal(out, &converted); err != nil {
		return nil, fmt.Errorf("node printed something that is not the converted files: %v", err)
	}
	if len(converted) != len(paths) {
		return nil, fmt.Errorf("node converted %d files of %d", len(converted), len(paths))
	}
	scenarios := make([]bhScenario, len(converted))
	for i, c := range converted {
		scenarios[i].File = filepath.Base(c.File)
		if c.Error != "" {
			scenarios[i].Problem = fmt.Errorf("not valid YAML: %s", c.Error)
		} else {
			scenarios[i].Problem = scenarios[i].parse(c.Root)
		}
	}
	return scenarios, nil
}

// bhDecode decodes JSON keeping numbers as json.Number, so they compare and re-encode exactly.
func bhDecode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func (sc *bhScenario) parse(raw json.RawMessage) error {
	v, err := bhDecode(raw)
	if err != nil {
		return err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("the file must be a mapping with name and steps, got %s", bhShow(v))
	}
	for k := range root {
		if !slices.Contains([]string{"name", "description", "keys", "steps"}, k) {
			return fmt.Errorf("unknown top-level field %q", k)
		}
	}
	if sc.Name, ok = root["name"].(string); !ok {
		return errors.New("needs a name (a string)")
	}
	sc.Keys = []string{"main"}
	if k, ok := root["keys"]; ok {
		keys, err := bhStrings(k, "keys")
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return errors.New("keys: needs at least one name")
		}
		for i, name := range keys {
			if name == "" || slices.Contains(keys[:i], name) || strings.ContainsAny(name, ", \t\n") {
				return fmt.Errorf("keys: %q is empty, repeated or has a comma or space", name)
			}
		}
		sc.Keys = keys
	}
	steps, ok := root["steps"].([]any)
	if !ok {
		return errors.New("needs steps (a list)")
	}
	for i, s := range steps {
		step, ok := s.(map[string]any)
		if !ok {
			return fmt.Errorf("step %d is not a mapping: %s", i+1, bhShow(s))
		}
		sc.Steps = append(sc.Steps, step)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// The server: `node packages/server/dist/cli.js`, on a free port and a fresh data folder.

type bhServer struct {
	t       *testing.T
	url     string
	port    int
	dataDir string
	names   []string
	keys    map[string]string // by name
	proc    *bhServerProcess  // nil while stopped

	mu     sync.Mutex
	output bytes.Buffer // everything it printed, over all its starts

	disposed bool
}

type bhServerProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

func bhServerBin() string { return filepath.Join(repoRoot(), "packages", "server", "dist", "cli.js") }

// bhStartServer starts a server accepting one key per name; t.Cleanup disposes of it.
func bhStartServer(t *testing.T, names []string) *bhServer {
	t.Helper()
	if _, err := os.Stat(bhServerBin()); err != nil {
		t.Fatalf("the local server is not built (%v): in the repository root run `npm run build -w tensor-box && npm run build -w @tensor-box/server` (scripts/test.sh does)", err)
	}
	dataDir, err := os.MkdirTemp("", "tensor-box-go-behaviour-")
	if err != nil {
		t.Fatal(err)
	}
	s := &bhServer{t: t, dataDir: dataDir, names: names, keys: map[string]string{}}
	t.Cleanup(func() { s.dispose() })
	for _, name := range names {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		s.keys[name] = "tbk_" + name + "_" + hex.EncodeToString(b)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if s.port, err = bhFreePort(); err != nil {
			t.Fatal(err)
		}
		s.url = fmt.Sprintf("http://127.0.0.1:%d", s.port)
		if lastErr = s.start(); lastErr == nil {
			return s
		}
		if !strings.Contains(lastErr.Error(), "EADDRINUSE") {
			break // only a port taken meanwhile is worth another try
		}
	}
	t.Fatalf("the local server did not start: %v", lastErr)
	return nil
}

func bhFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// bhWatch collects one start's output into the server's and notices the listening line.
type bhWatch struct {
	s     *bhServer
	seen  bytes.Buffer
	ready chan struct{}
	done  bool
}

func (w *bhWatch) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	w.s.output.Write(p)
	if !w.done {
		w.seen.Write(p)
		if bhListening.Match(w.seen.Bytes()) {
			w.done = true
			close(w.ready)
		}
	}
	return len(p), nil
}

func (w *bhWatch) text() string {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.seen.String()
}

// start starts the server on s.port and s.dataDir and waits for its listening line.
func (s *bhServer) start() error {
	var keys []string
	for _, name := range s.names {
		keys = append(keys, s.keys[name])
	}
	cmd := exec.Command("node", bhServerBin(),
		"--port", strconv.Itoa(s.port),
		"--data", s.dataDir,
		"--templates", filepath.Join(repoRoot(), "test", "behaviour", "templates.json"),
		"--metrics-interval-ms", "200",
		"--log-poll-ms", "50",
	)
	cmd.Dir = repoRoot()
	cmd.Env = append(os.Environ(), "TENSOR_BOX_SERVER_API_KEYS="+strings.Join(keys, ","))
	w := &bhWatch{s: s, ready: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = w, w
	// If this test binary dies (a panic, go test's timeout), the kernel kills the server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// Do not wait for output from anything that might have inherited the server's stdout.
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting node: %w", err)
	}
	p := &bhServerProcess{cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	s.proc = p
	select {
	case <-w.ready:
		return nil
	case <-p.exited:
		s.proc = nil
		return fmt.Errorf("the server exited (%v) before listening:\n%s", cmd.ProcessState, w.text())
	case <-time.After(bhStartWait):
		s.stop(syscall.SIGKILL)
		return fmt.Errorf("the server did not print its listening line within %v:\n%s", bhStartWait, w.text())
	}
}

// stop signals the server and waits until it exited (SIGKILL after bhStopWait).
func (s *bhServer) stop(sig syscall.Signal) {
	p := s.proc
	if p == nil {
		return
	}
	s.proc = nil
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
	case <-time.After(bhStopWait):
		s.t.Logf("the server did not exit within %v of %v: killing it", bhStopWait, sig)
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// dispose stops the server, SIGKILLs every process of its sandboxes and removes its data
// folder; it returns the processes it found. Only the first call does anything.
func (s *bhServer) dispose() []bhProc {
	if s.disposed {
		return nil
	}
	s.disposed = true
	s.stop(syscall.SIGTERM)
	leftovers := bhKillSandboxProcesses(s.dataDir, "")
	if len(leftovers) > 0 {
		// Give the kernel a moment to take them down before their folder goes.
		bhPoll(context.Background(), time.Second, 20*time.Millisecond, func() (bool, error) {
			return len(bhSandboxProcesses(s.dataDir, "")) == 0, nil
		})
	}
	if err := os.RemoveAll(s.dataDir); err != nil {
		s.t.Errorf("removing the server's data folder: %v", err)
	}
	return leftovers
}

// tail is the last n bytes the server printed.
func (s *bhServer) tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.output.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// ---------------------------------------------------------------------------------------------
// The machine: a server's sandbox processes, found through /proc/<pid>/environ.

type bhProc struct {
	pid, pgrp int
	state     string // R, S, T (stopped), D, …
	sandboxID string
	env       map[string]string
}

func (p bhProc) String() string {
	return fmt.Sprintf("%d(%s, pgrp %d, %s)", p.pid, p.sandboxID, p.pgrp, p.state)
}

// bhSandboxProcesses returns every live (non-zombie) process of the sandboxes of the server
// using dataDir; of one sandbox if sandboxID is not empty.
func bhSandboxProcesses(dataDir, sandboxID string) []bhProc {
	prefix := filepath.Join(dataDir, "sandboxes") + "/"
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var found []bhProc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil {
			continue // gone meanwhile, or not ours to read
		}
		env := map[string]string{}
		for _, entry := range strings.Split(string(raw), "\x00") {
			if k, v, ok := strings.Cut(entry, "="); ok && k != "" {
				env[k] = v
			}
		}
		id := env["TENSOR_BOX_SANDBOX_ID"]
		if id == "" || !strings.HasPrefix(env["HOME"], prefix) || (sandboxID != "" && id != sandboxID) {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
		text := string(stat)
		fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
		if len(fields) < 3 {
			continue
		}
		pgrp, _ := strconv.Atoi(fields[2])
		if fields[0] == "Z" || fields[0] == "X" {
			continue
		}
		found = append(found, bhProc{pid: pid, pgrp: pgrp, state: fields[0], sandboxID: id, env: env})
	}
	return found
}

// bhKillSandboxProcesses SIGKILLs the process group and the process of everything
// bhSandboxProcesses finds; it returns what it found.
func bhKillSandboxProcesses(dataDir, sandboxID string) []bhProc {
	found := bhSandboxProcesses(dataDir, sandboxID)
	own := syscall.Getpgrp()
	for _, p := range found {
		if p.pgrp > 1 && p.pgrp != own {
			_ = syscall.Kill(-p.pgrp, syscall.SIGKILL)
		}
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
	return found
}

// bhAddressSpaceLimit is the soft "Max address space" of a process: a number of bytes or
// "unlimited".
func bhAddressSpaceLimit(pid int) (string, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max address space"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0], nil
			}
		}
	}
	return "", fmt.Errorf("no address-space line in /proc/%d/limits", pid)
}

// bhPoll calls check until it returns true or within has passed (checking once more at the
// end), pausing every in between; an error from check ends the poll at once.
func bhPoll(ctx context.Context, within, every time.Duration, check func() (bool, error)) (bool, error) {
	deadline := time.Now().Add(within)
	for {
		ok, err := check()
		if err != nil || ok {
			return ok, err
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(every):
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Running a scenario.

// bhFault is a failure of the step found by the runner (a check that did not hold, a malformed
// step), as opposed to an error the SDK returned, which an `error` expectation may expect.
type bhFault struct{ msg string }

func (f *bhFault) Error() string { return f.msg }

func bhFaultf(format string, args ...any) error { return &bhFault{fmt.Sprintf(format, args...)} }

// bhInexpressible means the Go API cannot make the call the step describes.
type bhInexpressible struct{ why string }

func (e *bhInexpressible) Error() string { return e.why }

type bhRun struct {
	t       *testing.T
	sc      *bhScenario
	srv     *bhServer
	ctx     context.Context
	names   []string          // sandbox names, in the order they were defined
	aliases map[string]string // name → sandbox ID
	saved   map[string]time.Time
	marks   map[string]time.Time
	pids    map[string]int
}

func bhRunScenario(t *testing.T, sc *bhScenario, hits map[string]bool) {
	if sc.Problem != nil {
		t.Fatalf("%s cannot be run: %v", sc.File, sc.Problem)
	}
	t.Logf("%s: %s (%d steps)", sc.File, sc.Name, len(sc.Steps))
	srv := bhStartServer(t, sc.Keys)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the server's last output:\n%s", srv.tail(6000))
		}
	})
	r := bhNewRun(t, sc, srv)
	ctx := r.ctx

	for i, step := range sc.Steps {
		where := fmt.Sprintf("%s step %d", sc.File, i+1)
		err := r.step(step)
		var inexp *bhInexpressible
		if errors.As(err, &inexp) {
			if why, listed := behaviourGoCannotExpress[where]; listed {
				hits[where] = true
				t.Logf("skipped %s %s: Go cannot express it (%s)", where, bhSummary(step), why)
				continue
			}
			t.Fatalf("%s %s\n  → Go cannot express this step: %v\n  (if that is right, list it in behaviourGoCannotExpress with the reason)", where, bhSummary(step), err)
		}
		if err != nil {
			t.Fatalf("%s %s\n  → %v", where, bhSummary(step), err)
		}
	}

	// A scenario that left no sandbox running or paused must leave no process behind either.
	live := 0
	for _, name := range sc.Keys {
		infos, err := tensorbox.List(ctx, &tensorbox.ListOptions{Options: r.options(name), State: []string{"running", "paused"}})
		if err != nil {
			t.Fatalf("listing what is left: %v", err)
		}
		live += len(infos)
	}
	leftovers := srv.dispose()
	if live == 0 && len(leftovers) > 0 {
		t.Fatalf("no sandbox is running or paused, yet these sandbox processes were left: %v", leftovers)
	}
}

// bhNewRun prepares a run of sc against srv; its calls end with t (or after bhScenarioWait).
func bhNewRun(t *testing.T, sc *bhScenario, srv *bhServer) *bhRun {
	// End before go test's own -timeout would, which kills the binary without running the
	// cleanups (the server itself would then die with it, its sandboxes would not).
	deadline := time.Now().Add(bhScenarioWait)
	if d, ok := t.Deadline(); ok && d.Add(-30*time.Second).Before(deadline) {
		deadline = d.Add(-30 * time.Second)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	t.Cleanup(cancel)
	return &bhRun{t: t, sc: sc, srv: srv, ctx: ctx,
		aliases: map[string]string{}, saved: map[string]time.Time{}, marks: map[string]time.Time{}, pids: map[string]int{}}
}

func bhSummary(step map[string]any) string {
	b, _ := json.Marshal(step)
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func bhShow(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// validate refuses a step with an unknown kind, field or expectation.
func (r *bhRun) validate(step map[string]any) error {
	kind, ok := step["do"].(string)
	if !ok {
		return bhFaultf("a step needs do: (a string)")
	}
	fields, ok := bhStepFields[kind]
	if !ok {
		return bhFaultf("unknown step do: %s", kind)
	}
	for k := range step {
		if !slices.Contains(fields, k) && !slices.Contains([]string{"do", "mark", "expect", "client"}, k) {
			return bhFaultf("do: %s has no field %q", kind, k)
		}
	}
	if e, ok := step["expect"]; ok {
		expect, ok := e.(map[string]any)
		if !ok {
			return bhFaultf("expect must be a mapping, got %s", bhShow(e))
		}
		for k := range expect {
			if !slices.Contains(bhStepExpect[kind], k) {
				return bhFaultf("the expectation %q is not defined for do: %s", k, kind)
			}
		}
	}
	return nil
}

func (r *bhRun) step(step map[string]any) error {
	if err := r.validate(step); err != nil {
		return err
	}
	if m, ok := step["mark"]; ok {
		name, ok := m.(string)
		if !ok {
			return bhFaultf("mark must be a name, got %s", bhShow(m))
		}
		r.marks[name] = time.Now()
	}
	expect, _ := step["expect"].(map[string]any)
	started := time.Now()
	result, err := r.call(step)
	var fault *bhFault
	var inexp *bhInexpressible
	if errors.As(err, &fault) || errors.As(err, &inexp) {
		return err
	}
	if err != nil {
		want, ok := expect["error"]
		if !ok {
			return err
		}
		return bhCheckError(err, want)
	}
	if want, ok := expect["error"]; ok {
		return bhFaultf("expected the error %s, but the call succeeded", bhShow(want))
	}
	return r.check(step, result, started, time.Now())
}

// options are the connection options of the key named name.
func (r *bhRun) options(name string) tensorbox.Options {
	return tensorbox.Options{Domain: r.srv.url, APIKey: r.srv.keys[name], MaxRetries: tensorbox.Ptr(0), RequestTimeout: bhCallTimeout}
}

// conn are the connection options of the step's client (default: the first key).
func (r *bhRun) conn(step map[string]any) (tensorbox.Options, error) {
	name := r.sc.Keys[0]
	if c, ok := step["client"]; ok {
		if name, ok = c.(string); !ok {
			return tensorbox.Options{}, bhFaultf("client must be a key name, got %s", bhShow(c))
		}
	}
	if _, ok := r.srv.keys[name]; !ok {
		return tensorbox.Options{}, bhFaultf("no key named %q (keys: %v)", name, r.sc.Keys)
	}
	return r.options(name), nil
}

// id is the sandbox ID a value stands for: a name defined earlier, or the value itself.
func (r *bhRun) id(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", bhFaultf("a sandbox ID or name is needed, got %s", bhShow(v))
	}
	if id, ok := r.aliases[s]; ok {
		return id, nil
	}
	return s, nil
}

// name is the first name given to a sandbox ID, or the ID.
func (r *bhRun) name(id string) string {
	for _, n := range r.names {
		if r.aliases[n] == id {
			return n
		}
	}
	return id
}

func (r *bhRun) alias(step map[string]any, id string) error {
	v, ok := step["as"]
	if !ok {
		return nil
	}
	name, ok := v.(string)
	if !ok {
		return bhFaultf("as must be a name, got %s", bhShow(v))
	}
	if _, seen := r.aliases[name]; !seen {
		r.names = append(r.names, name)
	}
	r.aliases[name] = id
	return nil
}

func (r *bhRun) since(step map[string]any) (time.Time, error) {
	v, ok := step["since"]
	if !ok {
		return time.Time{}, nil
	}
	name, _ := v.(string)
	mark, ok := r.marks[name]
	if !ok {
		return time.Time{}, bhFaultf("no mark named %s", bhShow(v))
	}
	return mark, nil
}

// call makes the step's call; it returns what the expectations look at.
func (r *bhRun) call(step map[string]any) (any, error) {
	kind := step["do"].(string)
	switch kind {
	case "host":
		return nil, r.host(step)
	case "hostKill":
		id, err := r.id(step["id"])
		if err != nil {
			return nil, err
		}
		if len(bhKillSandboxProcesses(r.srv.dataDir, id)) == 0 {
			return nil, bhFaultf("no process of %s to kill", r.name(id))
		}
		return nil, nil
	case "restartServer":
		return nil, r.restart(step)
	case "http":
		return nil, r.http(step)
	}

	conn, err := r.conn(step)
	if err != nil {
		return nil, err
	}
	ctx := r.ctx
	sandboxID := func() (string, error) { return r.id(step["id"]) }

	switch kind {
	case "create":
		o := &tensorbox.CreateOptions{Options: conn}
		if err := bhCreateOptions(step["options"], o); err != nil {
			return nil, err
		}
		template := "default"
		if v, ok := step["template"]; ok {
			if template, ok = v.(string); !ok {
				return nil, bhFaultf("template must be a string, got %s", bhShow(v))
			}
		}
		sb, err := tensorbox.Create(ctx, template, o)
		if err != nil {
			return nil, err
		}
		sb.Disconnect() // the runner goes on by ID
		return sb.ID(), r.alias(step, sb.ID())

	case "connect":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		o := &tensorbox.ConnectOptions{Options: conn}
		opts, isMap := step["options"].(map[string]any)
		if step["options"] != nil && !isMap {
			return nil, bhFaultf("options must be a mapping, got %s", bhShow(step["options"]))
		}
		for k, v := range opts {
			switch k {
			case "timeoutMs":
				if o.Timeout, err = bhOptionalMs(v, "options.timeoutMs"); err != nil {
					return nil, err
				}
			default:
				return nil, bhFaultf("connect has no option %q", k)
			}
		}
		sb, err := tensorbox.Connect(ctx, id, o)
		if err != nil {
			return nil, err
		}
		sb.Disconnect()
		return sb.ID(), r.alias(step, sb.ID())

	case "getInfo":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		return tensorbox.GetInfoByID(ctx, id, &conn)

	case "isRunning":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		return tensorbox.IsRunningByID(ctx, id, &conn)

	case "list":
		o := &tensorbox.ListOptions{Options: conn}
		if err := bhListQuery(step["query"], o); err != nil {
			return nil, err
		}
		return tensorbox.List(ctx, o)

	case "pause":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		return nil, tensorbox.PauseByID(ctx, id, &conn)

	case "resume":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		var timeout time.Duration
		if v, ok := step["timeoutMs"]; ok {
			if timeout, err = bhOptionalMs(v, "timeoutMs"); err != nil {
				return nil, err
			}
		}
		return tensorbox.ResumeByID(ctx, id, timeout, &conn)

	case "setTimeout", "keepAlive":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		field := map[string]string{"setTimeout": "timeoutMs", "keepAlive": "durationMs"}[kind]
		v, ok := step[field]
		if !ok {
			return nil, bhFaultf("%s needs %s", kind, field)
		}
		d, err := bhMs(v, field)
		if err != nil {
			return nil, err
		}
		if kind == "setTimeout" {
			return nil, tensorbox.SetTimeoutByID(ctx, id, d, &conn)
		}
		return nil, tensorbox.KeepAliveByID(ctx, id, d, &conn)

	case "kill":
		_, one := step["id"]
		ids, several := step["ids"]
		if one == several {
			return nil, bhFaultf("kill needs id or ids (one of them)")
		}
		if one {
			id, err := sandboxID()
			if err != nil {
				return nil, err
			}
			return nil, tensorbox.KillByID(ctx, id, &conn)
		}
		names, err := bhStrings(ids, "ids")
		if err != nil {
			return nil, err
		}
		// An SDK runner kills each ID in order and notes how each fared (nil: ok).
		outcomes := map[string]error{}
		for _, name := range names {
			id, _ := r.id(name)
			outcomes[name] = tensorbox.KillByID(ctx, id, &conn)
		}
		return outcomes, nil

	case "getMetrics":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		since, err := r.since(step)
		if err != nil {
			return nil, err
		}
		return tensorbox.GetMetricsByID(ctx, id, &tensorbox.GetMetricsOptions{Options: conn, Since: since})

	case "getLogs":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		since, err := r.since(step)
		if err != nil {
			return nil, err
		}
		return tensorbox.GetLogsByID(ctx, id, &tensorbox.GetLogsOptions{Options: conn, Since: since})

	case "waitFor":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		state, ok := step["state"].(string)
		if !ok {
			return nil, bhFaultf("waitFor needs state (a string)")
		}
		within, err := bhMs(step["withinMs"], "withinMs")
		if err != nil {
			return nil, err
		}
		var last tensorbox.Info
		ok, err = bhPoll(ctx, within, 50*time.Millisecond, func() (bool, error) {
			var err error
			last, err = tensorbox.GetInfoByID(ctx, id, &conn)
			return err == nil && string(last.State) == state, err
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, bhFaultf("still %s after %v, expected %s", last.State, within, state)
		}
		return last, nil

	case "waitForMetrics":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		atLeast, err := bhInt(step["atLeast"], "atLeast")
		if err != nil {
			return nil, err
		}
		since, err := r.since(step)
		if err != nil {
			return nil, err
		}
		within, err := bhMs(step["withinMs"], "withinMs")
		if err != nil {
			return nil, err
		}
		var last []tensorbox.Metric
		ok, err := bhPoll(ctx, within, 100*time.Millisecond, func() (bool, error) {
			var err error
			last, err = tensorbox.GetMetricsByID(ctx, id, &tensorbox.GetMetricsOptions{Options: conn, Since: since})
			return err == nil && int64(len(last)) >= atLeast, err
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, bhFaultf("only %d samples after %v, expected %d", len(last), within, atLeast)
		}
		return last, nil

	case "waitForLog":
		id, err := sandboxID()
		if err != nil {
			return nil, err
		}
		want, err := bhParseLogWant(map[string]any{"source": step["source"], "includes": step["includes"]})
		if err != nil {
			return nil, err
		}
		within, err := bhMs(step["withinMs"], "withinMs")
		if err != nil {
			return nil, err
		}
		var last []tensorbox.LogEntry
		ok, err := bhPoll(ctx, within, 50*time.Millisecond, func() (bool, error) {
			var err error
			last, err = tensorbox.GetLogsByID(ctx, id, &tensorbox.GetLogsOptions{Options: conn})
			return err == nil && slices.ContainsFunc(last, want.matches), err
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, bhFaultf("no %s entry with %q after %v:\n%s", want.source, want.includes, within, bhFormatLogs(last))
		}
		return last, nil
	}
	return nil, bhFaultf("unknown step do: %s", kind)
}

// check makes the expectations of a call that succeeded.
func (r *bhRun) check(step map[string]any, result any, started, ended time.Time) error {
	expect, _ := step["expect"].(map[string]any)
	switch step["do"] {
	case "create", "connect":
		id := result.(string)
		if v, ok := expect["sameAs"]; ok {
			other, err := r.id(v)
			if err != nil {
				return err
			}
			if id != other {
				return bhFaultf("got %s, expected the same sandbox as %v", r.name(id), v)
			}
		}
		if v, ok := expect["notSameAs"]; ok {
			other, err := r.id(v)
			if err != nil {
				return err
			}
			if id == other {
				return bhFaultf("got the same sandbox as %v", v)
			}
		}
		if expect["info"] == nil && expect["save"] == nil {
			return nil
		}
		conn, err := r.conn(step)
		if err != nil {
			return err
		}
		info, err := tensorbox.GetInfoByID(r.ctx, id, &conn)
		if err != nil {
			return fmt.Errorf("getInfo after %s: %w", step["do"], err)
		}
		return r.checkInfo(info, expect, started, time.Now())

	case "getInfo", "resume", "waitFor":
		return r.checkInfo(result.(tensorbox.Info), expect, started, ended)

	case "isRunning":
		if want, ok := expect["value"]; ok {
			b, ok := want.(bool)
			if !ok {
				return bhFaultf("value must be true or false, got %s", bhShow(want))
			}
			if result.(bool) != b {
				return bhFaultf("isRunning returned %v, expected %v", result, b)
			}
		}
		return nil

	case "list":
		v, ok := expect["ids"]
		if !ok {
			return nil
		}
		names, err := bhStrings(v, "ids")
		if err != nil {
			return err
		}
		var got, want, gotNames []string
		for _, info := range result.([]tensorbox.Info) {
			got = append(got, info.SandboxID)
			gotNames = append(gotNames, r.name(info.SandboxID))
		}
		for _, n := range names {
			id, _ := r.id(n)
			want = append(want, id)
		}
		if !slices.Equal(got, want) {
			return bhFaultf("list returned [%s], expected [%s]", strings.Join(gotNames, ", "), strings.Join(names, ", "))
		}
		return nil

	case "kill":
		outcomes, ok := result.(map[string]error)
		if !ok {
			if _, has := expect["perId"]; has {
				return bhFaultf("perId goes with ids, not id")
			}
			return nil // one ID: it succeeded
		}
		perID := bhMap(expect["perId"])
		names, _ := bhStrings(step["ids"], "ids")
		for name := range perID {
			if !slices.Contains(names, name) {
				return bhFaultf("perId names %s, which is not in ids", name)
			}
		}
		for _, name := range names {
			want, ok := perID[name]
			if !ok {
				want = "ok"
			}
			got := outcomes[name]
			if want == "ok" {
				if got != nil {
					return bhFaultf("kill %s failed: %v", name, got)
				}
				continue
			}
			if got == nil {
				return bhFaultf("kill %s succeeded, expected %s", name, bhShow(want))
			}
			if err := bhCheckError(got, want); err != nil {
				return fmt.Errorf("kill %s: %w", name, err)
			}
		}
		return nil

	case "getMetrics", "waitForMetrics":
		return bhCheckMetrics(result.([]tensorbox.Metric), expect)

	case "getLogs", "waitForLog":
		return bhCheckLogs(result.([]tensorbox.LogEntry), expect)
	}
	return nil
}

// checkInfo compares the info and saves what `save` asks for. Fields are compared exactly, by
// their JSON names; a date field takes { inMs, toleranceMs } / { equals } / { after } as well.
func (r *bhRun) checkInfo(info tensorbox.Info, expect map[string]any, started, ended time.Time) error {
	fields := bhJSONFields(info)
	wantInfo := bhMap(expect["info"])
	if expect["info"] != nil && wantInfo == nil {
		return bhFaultf("info must be a mapping, got %s", bhShow(expect["info"]))
	}
	for _, field := range bhSortedKeys(wantInfo) {
		want := wantInfo[field]
		got, ok := fields[field]
		if !ok {
			return bhFaultf("the sandbox information has no field %q", field)
		}
		if t, isTime := got.(time.Time); isTime {
			if err := r.checkDate(field, t, want, started, ended); err != nil {
				return err
			}
			continue
		}
		if g := bhToJSON(got); !bhJSONEqual(g, want) {
			return bhFaultf("%s is %s, expected %s", field, bhShow(g), bhShow(want))
		}
	}
	save := bhMap(expect["save"])
	if expect["save"] != nil && save == nil {
		return bhFaultf("save must be a mapping, got %s", bhShow(expect["save"]))
	}
	for field, v := range save {
		name, ok := v.(string)
		if !ok {
			return bhFaultf("save: %s needs a name", field)
		}
		t, ok := fields[field].(time.Time)
		if !ok {
			return bhFaultf("save: %s is not a date field of the sandbox information", field)
		}
		r.saved[name] = t
	}
	return nil
}

func (r *bhRun) checkDate(field string, got time.Time, want any, started, ended time.Time) error {
	if s, ok := want.(string); ok {
		w, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return bhFaultf("%s: %q is not an RFC 3339 date-time", field, s)
		}
		if !got.Equal(w) {
			return bhFaultf("%s is %s, expected %s", field, bhDate(got), s)
		}
		return nil
	}
	m, ok := want.(map[string]any)
	if !ok {
		return bhFaultf("%s: expected a date-time or { inMs | equals | after }, got %s", field, bhShow(want))
	}
	for k := range m {
		if !slices.Contains([]string{"inMs", "toleranceMs", "equals", "after"}, k) {
			return bhFaultf("%s: unknown date expectation %q", field, k)
		}
	}
	if v, ok := m["inMs"]; ok {
		in, err := bhMs(v, field+".inMs")
		if err != nil {
			return err
		}
		tolerance := time.Second
		if tv, ok := m["toleranceMs"]; ok {
			if tolerance, err = bhMs(tv, field+".toleranceMs"); err != nil {
				return err
			}
		}
		lo, hi := started.Add(in-tolerance), ended.Add(in+tolerance)
		if got.Before(lo) || got.After(hi) {
			return bhFaultf("%s is %s: %d ms after the answer, expected %d ± %d",
				field, bhDate(got), got.Sub(ended).Milliseconds(), in.Milliseconds(), tolerance.Milliseconds())
		}
	} else if _, ok := m["toleranceMs"]; ok {
		return bhFaultf("%s: toleranceMs goes with inMs", field)
	}
	if v, ok := m["equals"]; ok {
		saved, err := r.savedDate(v)
		if err != nil {
			return err
		}
		if !got.Equal(saved) {
			return bhFaultf("%s is %s, expected %s (%v)", field, bhDate(got), bhDate(saved), v)
		}
	}
	if v, ok := m["after"]; ok {
		saved, err := r.savedDate(v)
		if err != nil {
			return err
		}
		if !got.After(saved) {
			return bhFaultf("%s is %s, expected later than %s (%v)", field, bhDate(got), bhDate(saved), v)
		}
	}
	return nil
}

func (r *bhRun) savedDate(v any) (time.Time, error) {
	name, _ := v.(string)
	t, ok := r.saved[name]
	if !ok {
		return time.Time{}, bhFaultf("nothing saved as %s", bhShow(v))
	}
	return t, nil
}

func bhDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// host makes the checks of a `host` step, polling for up to bhHostWait.
func (r *bhRun) host(step map[string]any) error {
	id, err := r.id(step["id"])
	if err != nil {
		return err
	}
	str := func(field string, allowed ...string) (string, error) {
		v, ok := step[field]
		if !ok {
			return "", nil
		}
		s, ok := v.(string)
		if !ok || (len(allowed) > 0 && !slices.Contains(allowed, s)) {
			return "", bhFaultf("%s: %s is not one of %v", field, bhShow(v), allowed)
		}
		return s, nil
	}
	process, err := str("process", "running", "stopped", "gone")
	if err != nil {
		return err
	}
	folder, err := str("folder", "present", "absent")
	if err != nil {
		return err
	}
	savePid, err := str("savePid")
	if err != nil {
		return err
	}
	samePid, err := str("samePid")
	if err != nil {
		return err
	}
	wantPid := 0
	if samePid != "" {
		var ok bool
		if wantPid, ok = r.pids[samePid]; !ok {
			return bhFaultf("no PID saved as %s", samePid)
		}
	}
	var env map[string]string
	if v, ok := step["env"]; ok {
		var inexp *bhInexpressible
		if env, err = bhStringMap(v, "env"); errors.As(err, &inexp) {
			return bhFaultf("env: %v (an environment holds strings only)", err)
		} else if err != nil {
			return err
		}
	}
	var addressSpace string // the expected soft limit, in bytes
	if v, ok := step["limits"]; ok {
		limits := bhMap(v)
		for k := range limits {
			if k != "addressSpaceMB" {
				return bhFaultf("limits: unknown limit %q", k)
			}
		}
		if mb, ok := limits["addressSpaceMB"]; ok {
			n, err := bhInt(mb, "limits.addressSpaceMB")
			if err != nil {
				return err
			}
			addressSpace = strconv.FormatInt(n*1024*1024, 10)
		}
	}
	folderPath := filepath.Join(r.srv.dataDir, "sandboxes", id)
	needLeader := env != nil || savePid != "" || samePid != "" || addressSpace != ""

	var procs []bhProc
	var problems []string
	var leader *bhProc
	ok, _ := bhPoll(r.ctx, bhHostWait, 25*time.Millisecond, func() (bool, error) {
		procs = bhSandboxProcesses(r.srv.dataDir, id)
		problems = nil
		leader = nil
		stopped, frozen := 0, 0
		for i, p := range procs {
			// A shell waiting in vfork() for a stopped child shows D: it cannot run either.
			if p.state == "T" || p.state == "t" {
				stopped++
			}
			if p.state == "T" || p.state == "t" || p.state == "D" {
				frozen++
			}
			if p.pid == p.pgrp {
				leader = &procs[i]
			}
		}
		switch process {
		case "running":
			if len(procs) == 0 || stopped > 0 {
				problems = append(problems, "not running")
			}
		case "stopped":
			if stopped == 0 || frozen != len(procs) {
				problems = append(problems, "not all stopped")
			}
		case "gone":
			if len(procs) > 0 {
				problems = append(problems, "processes remain")
			}
		}
		_, statErr := os.Stat(folderPath)
		if folder == "present" && statErr != nil {
			problems = append(problems, "folder missing")
		}
		if folder == "absent" && statErr == nil {
			problems = append(problems, "folder still there")
		}
		if needLeader && leader == nil {
			problems = append(problems, "no group leader")
		}
		if leader != nil {
			for _, k := range bhSortedKeys(env) {
				if got, ok := leader.env[k]; !ok || got != env[k] {
					problems = append(problems, fmt.Sprintf("env %s is not %q", k, env[k]))
				}
			}
			if samePid != "" && leader.pid != wantPid {
				problems = append(problems, fmt.Sprintf("leader is %d, expected %d (%s)", leader.pid, wantPid, samePid))
			}
			if addressSpace != "" {
				got, err := bhAddressSpaceLimit(leader.pid)
				if err != nil {
					problems = append(problems, err.Error())
				} else if got != addressSpace {
					problems = append(problems, fmt.Sprintf("address-space limit is %s, expected %s", got, addressSpace))
				}
			}
		}
		return len(problems) == 0, nil
	})
	if !ok {
		seen := "none"
		if len(procs) > 0 {
			var parts []string
			for _, p := range procs {
				parts = append(parts, fmt.Sprintf("%d(pgrp %d, %s)", p.pid, p.pgrp, p.state))
			}
			seen = strings.Join(parts, " ")
		}
		return bhFaultf("host check failed: %s (processes: %s)", strings.Join(problems, "; "), seen)
	}
	if savePid != "" {
		r.pids[savePid] = leader.pid
	}
	return nil
}

// restart stops the server with the step's signal, waits until it exited, SIGKILLs the listed
// sandboxes' processes and starts it again on the same port and data folder.
func (r *bhRun) restart(step map[string]any) error {
	sig := syscall.SIGTERM
	if v, ok := step["signal"]; ok {
		switch v {
		case "SIGTERM":
		case "SIGKILL":
			sig = syscall.SIGKILL
		default:
			return bhFaultf("signal must be SIGTERM or SIGKILL, got %s", bhShow(v))
		}
	}
	var victims []string
	if v, ok := step["hostKill"]; ok {
		var err error
		if victims, err = bhStrings(v, "hostKill"); err != nil {
			return err
		}
	}
	r.srv.stop(sig)
	for _, name := range victims {
		id, _ := r.id(name)
		if len(bhKillSandboxProcesses(r.srv.dataDir, id)) == 0 {
			return bhFaultf("no process of %s to kill", name)
		}
	}
	if err := r.srv.start(); err != nil {
		return bhFaultf("restarting the server: %v", err)
	}
	return nil
}

// bhEncodeURIComponent percent-encodes like JavaScript's encodeURIComponent.
func bhEncodeURIComponent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

var bhPathName = regexp.MustCompile(`\{([^}]+)\}`)

// http sends one raw request and checks the answer.
func (r *bhRun) http(step map[string]any) error {
	expect := bhMap(step["expect"])
	method, ok := step["method"].(string)
	if !ok {
		return bhFaultf("http needs method (a string)")
	}
	path, ok := step["path"].(string)
	if !ok {
		return bhFaultf("http needs path (a string)")
	}
	path = bhPathName.ReplaceAllStringFunc(path, func(m string) string {
		id, _ := r.id(m[1 : len(m)-1])
		return bhEncodeURIComponent(id)
	})
	target := r.srv.url + path
	if v, ok := step["query"]; ok {
		q, ok := v.(string)
		if !ok {
			return bhFaultf("query must be a raw query string, got %s", bhShow(v))
		}
		target += "?" + q
	}
	headers := http.Header{}
	for k, v := range bhMap(step["headers"]) {
		headers.Set(k, bhScalar(v))
	}
	key := r.sc.Keys[0]
	if v, ok := step["key"]; ok {
		if key, ok = v.(string); !ok {
			return bhFaultf("key must be a key name, none or wrong, got %s", bhShow(v))
		}
	}
	switch key {
	case "none":
	case "wrong":
		headers.Set("X-API-Key", bhWrongKey)
	default:
		k, ok := r.srv.keys[key]
		if !ok {
			return bhFaultf("no key named %q", key)
		}
		headers.Set("X-API-Key", k)
	}
	var body io.Reader
	if v, ok := step["body"]; ok {
		if s, isString := v.(string); isString {
			body = strings.NewReader(s)
			// What fetch (the reference runner's client) sends with a string body.
			if headers.Get("Content-Type") == "" {
				headers.Set("Content-Type", "text/plain;charset=UTF-8")
			}
		} else {
			b, err := json.Marshal(v)
			if err != nil {
				return bhFaultf("body: %v", err)
			}
			body = bytes.NewReader(b)
			if headers.Get("Content-Type") == "" {
				headers.Set("Content-Type", "application/json")
			}
		}
	}
	req, err := http.NewRequestWithContext(r.ctx, method, target, body)
	if err != nil {
		return bhFaultf("building the request: %v", err)
	}
	req.Header = headers
	res, err := (&http.Client{Timeout: bhCallTimeout}).Do(req)
	if err != nil {
		return bhFaultf("%s %s: %v", method, target, err)
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return bhFaultf("reading the answer: %v", err)
	}
	text := string(raw)

	if v, ok := expect["status"]; ok {
		want, err := bhInt(v, "status")
		if err != nil {
			return err
		}
		if int64(res.StatusCode) != want {
			return bhFaultf("status %d, expected %d: %s", res.StatusCode, want, text)
		}
	}
	if res.StatusCode >= 400 {
		var e map[string]any
		if err := json.Unmarshal(raw, &e); err != nil {
			return bhFaultf("the error body is not a JSON object: %s", text)
		}
		for _, field := range []string{"code", "message", "requestId"} {
			if _, ok := e[field].(string); !ok {
				return bhFaultf("the error body has no string %s: %s", field, text)
			}
		}
		if v, ok := expect["code"]; ok && e["code"] != v {
			return bhFaultf("code %v, expected %v: %s", e["code"], v, text)
		}
		message := e["message"].(string)
		if v, ok := expect["messageIncludes"]; ok && !strings.Contains(message, bhScalar(v)) {
			return bhFaultf("message %q does not include %q", message, bhScalar(v))
		}
		if v, ok := expect["messageExcludes"]; ok && strings.Contains(text, bhScalar(v)) {
			return bhFaultf("the answer %s contains %q", text, bhScalar(v))
		}
	} else {
		for _, k := range []string{"code", "messageIncludes", "messageExcludes"} {
			if _, ok := expect[k]; ok {
				return bhFaultf("expected an error answer (%s), got status %d: %s", k, res.StatusCode, text)
			}
		}
	}
	for name, v := range bhMap(expect["headers"]) {
		want := bhScalar(v)
		values := res.Header.Values(name)
		got := strings.Join(values, ", ")
		switch {
		case want == "present" && len(values) == 0,
			want == "absent" && len(values) > 0,
			want != "present" && want != "absent" && got != want:
			return bhFaultf("header %s is %q (%d values), expected %s", name, got, len(values), want)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Expectations.

// bhCheckError checks an SDK error against { class, status, code, messageIncludes }.
func bhCheckError(err error, want any) error {
	w, ok := want.(map[string]any)
	if !ok {
		return bhFaultf("error must be a mapping, got %s", bhShow(want))
	}
	for k := range w {
		if !slices.Contains([]string{"class", "status", "code", "messageIncludes"}, k) {
			return bhFaultf("error: unknown field %q", k)
		}
	}
	if v, ok := w["class"]; ok {
		name, _ := v.(string)
		sentinel, ok := errorClasses[name]
		if !ok {
			return bhFaultf("no error class %s is shared by the SDKs", bhShow(v))
		}
		if !errors.Is(err, sentinel) {
			return bhFaultf("expected %s, got %T: %v", name, err, err)
		}
	}
	var apiErr *tensorbox.APIError
	isAPI := errors.As(err, &apiErr)
	if v, ok := w["status"]; ok {
		status, ferr := bhInt(v, "error.status")
		if ferr != nil {
			return ferr
		}
		if !isAPI || int64(apiErr.StatusCode) != status {
			return bhFaultf("expected status %d, got %v", status, err)
		}
	}
	if v, ok := w["code"]; ok {
		if !isAPI || apiErr.Code != bhScalar(v) {
			return bhFaultf("expected code %v, got %v (code %q)", v, err, bhAPICode(apiErr))
		}
	}
	if v, ok := w["messageIncludes"]; ok && !strings.Contains(err.Error(), bhScalar(v)) {
		return bhFaultf("message %q does not include %q", err.Error(), bhScalar(v))
	}
	return nil
}

func bhAPICode(e *tensorbox.APIError) string {
	if e == nil {
		return ""
	}
	return e.Code
}

// bhCheckValue checks one number or value against a value or { min, max }.
func bhCheckValue(field string, got, want any) error {
	m, isRange := want.(map[string]any)
	if !isRange {
		if !bhJSONEqual(got, want) {
			return bhFaultf("%s is %s, expected %s", field, bhShow(got), bhShow(want))
		}
		return nil
	}
	n, ok := got.(json.Number)
	if !ok {
		return bhFaultf("%s is %s, expected a number", field, bhShow(got))
	}
	g, _ := n.Float64()
	for k, v := range m {
		bound, err := bhFloat(v, field+"."+k)
		if err != nil {
			return err
		}
		switch k {
		case "min":
			if g < bound {
				return bhFaultf("%s is %v, expected at least %v", field, n, v)
			}
		case "max":
			if g > bound {
				return bhFaultf("%s is %v, expected at most %v", field, n, v)
			}
		default:
			return bhFaultf("%s: a range has min and max, not %q", field, k)
		}
	}
	return nil
}

func bhCheckFields(what string, sample map[string]any, want any) error {
	m, ok := want.(map[string]any)
	if !ok {
		return bhFaultf("%s: expected a mapping of fields, got %s", what, bhShow(want))
	}
	for _, field := range bhSortedKeys(m) {
		got, ok := sample[field]
		if !ok {
			return bhFaultf("%s: a sample has no field %q", what, field)
		}
		if err := bhCheckValue(what+" "+field, got, m[field]); err != nil {
			return err
		}
	}
	return nil
}

func bhCheckMetrics(samples []tensorbox.Metric, expect map[string]any) error {
	if v, ok := expect["count"]; ok {
		count := bhMap(v)
		for k := range count {
			if k != "min" {
				return bhFaultf("count: only min is defined, not %q", k)
			}
		}
		if mv, ok := count["min"]; ok {
			n, err := bhInt(mv, "count.min")
			if err != nil {
				return err
			}
			if int64(len(samples)) < n {
				return bhFaultf("%d samples, expected at least %d", len(samples), n)
			}
		}
	}
	if v, ok := expect["each"]; ok {
		for i, s := range samples {
			if err := bhCheckFields(fmt.Sprintf("sample %d", i), bhMap(bhToJSON(s)), v); err != nil {
				return err
			}
		}
	}
	if v, ok := expect["latest"]; ok {
		if len(samples) == 0 {
			return bhFaultf("no samples")
		}
		if err := bhCheckFields("latest", bhMap(bhToJSON(samples[len(samples)-1])), v); err != nil {
			return err
		}
	}
	for i := 1; i < len(samples); i++ {
		if samples[i].Timestamp.Before(samples[i-1].Timestamp) {
			return bhFaultf("samples are not oldest first")
		}
	}
	return nil
}

type bhLogWant struct {
	source, level, includes string
	hasSource, hasLevel     bool
	hasIncludes             bool
}

func bhParseLogWant(v any) (bhLogWant, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return bhLogWant{}, bhFaultf("a log entry expectation must be a mapping, got %s", bhShow(v))
	}
	var w bhLogWant
	for k, val := range m {
		if val == nil {
			continue
		}
		s, ok := val.(string)
		if !ok {
			return bhLogWant{}, bhFaultf("log entry %s must be a string, got %s", k, bhShow(val))
		}
		switch k {
		case "source":
			w.source, w.hasSource = s, true
		case "level":
			w.level, w.hasLevel = s, true
		case "includes":
			w.includes, w.hasIncludes = s, true
		default:
			return bhLogWant{}, bhFaultf("a log entry expectation has source, level and includes, not %q", k)
		}
	}
	return w, nil
}

func (w bhLogWant) matches(e tensorbox.LogEntry) bool {
	return (!w.hasSource || string(e.Source) == w.source) &&
		(!w.hasLevel || string(e.Level) == w.level) &&
		(!w.hasIncludes || strings.Contains(e.Message, w.includes))
}

func (w bhLogWant) String() string {
	return fmt.Sprintf("{source: %q, level: %q, includes: %q}", w.source, w.level, w.includes)
}

func bhFormatLogs(entries []tensorbox.LogEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "  %s %s %s: %s\n", bhDate(e.Timestamp), e.Level, e.Source, e.Message)
	}
	return b.String()
}

func bhLogWants(v any, what string) ([]bhLogWant, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, bhFaultf("%s must be a list, got %s", what, bhShow(v))
	}
	var wants []bhLogWant
	for _, item := range list {
		w, err := bhParseLogWant(item)
		if err != nil {
			return nil, err
		}
		wants = append(wants, w)
	}
	return wants, nil
}

func bhCheckLogs(entries []tensorbox.LogEntry, expect map[string]any) error {
	contains, err := bhLogWants(expect["contains"], "contains")
	if err != nil {
		return err
	}
	for _, w := range contains {
		if !slices.ContainsFunc(entries, w.matches) {
			return bhFaultf("no log entry like %v in:\n%s", w, bhFormatLogs(entries))
		}
	}
	inOrder, err := bhLogWants(expect["inOrder"], "inOrder")
	if err != nil {
		return err
	}
	at := 0
	for _, w := range inOrder {
		for at < len(entries) && !w.matches(entries[at]) {
			at++
		}
		if at == len(entries) {
			return bhFaultf("no log entry like %v in this order in:\n%s", w, bhFormatLogs(entries))
		}
		at++
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Values from the scenario files (JSON, numbers as json.Number) into Go arguments.

func bhMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func bhSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// bhScalar is a scalar as text (a header value, a message fragment).
func bhScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		return bhShow(x)
	}
}

func bhStrings(v any, what string) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, bhFaultf("%s must be a list, got %s", what, bhShow(v))
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			return nil, bhFaultf("%s: %s is not a string", what, bhShow(item))
		}
		out = append(out, s)
	}
	return out, nil
}

// bhStringMap is a map of strings; a value of another type cannot be passed to a
// map[string]string, so the step is inexpressible in Go.
func bhStringMap(v any, what string) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bhFaultf("%s must be a mapping, got %s", what, bhShow(v))
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		s, ok := val.(string)
		if !ok {
			return nil, &bhInexpressible{fmt.Sprintf("%s[%q] is %s: the Go field is a map[string]string", what, k, bhShow(val))}
		}
		out[k] = s
	}
	return out, nil
}

func bhFloat(v any, what string) (float64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, bhFaultf("%s must be a number, got %s", what, bhShow(v))
	}
	f, err := n.Float64()
	if err != nil {
		return 0, bhFaultf("%s: %v", what, err)
	}
	return f, nil
}

func bhInt(v any, what string) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, bhFaultf("%s must be an integer, got %s", what, bhShow(v))
	}
	i, err := n.Int64()
	if err != nil {
		return 0, bhFaultf("%s must be an integer, got %s", what, n)
	}
	return i, nil
}

// bhMs is a number of milliseconds as a time.Duration (a fraction is kept, to the nanosecond).
func bhMs(v any, what string) (time.Duration, error) {
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return time.Duration(i) * time.Millisecond, nil
		}
	}
	f, err := bhFloat(v, what)
	if err != nil {
		return 0, err
	}
	return time.Duration(math.Round(f * float64(time.Millisecond))), nil
}

// bhOptionalMs is an optional duration: in Go a zero Duration means "not set", so an explicit
// 0 cannot be passed.
func bhOptionalMs(v any, what string) (time.Duration, error) {
	d, err := bhMs(v, what)
	if err == nil && d == 0 {
		return 0, &bhInexpressible{what + " is 0: in Go a zero Duration means \"not set\""}
	}
	return d, err
}

func bhCreateOptions(v any, o *tensorbox.CreateOptions) error {
	if v == nil {
		return nil
	}
	opts, ok := v.(map[string]any)
	if !ok {
		return bhFaultf("options must be a mapping, got %s", bhShow(v))
	}
	var err error
	for _, k := range bhSortedKeys(opts) {
		val := opts[k]
		switch k {
		case "timeoutMs":
			o.Timeout, err = bhOptionalMs(val, "options.timeoutMs")
		case "envs":
			o.Envs, err = bhStringMap(val, "options.envs")
		case "metadata":
			o.Metadata, err = bhStringMap(val, "options.metadata")
		case "idempotencyKey":
			s, isString := val.(string)
			switch {
			case !isString:
				err = &bhInexpressible{"options.idempotencyKey is " + bhShow(val) + ": the Go field is a string"}
			case s == "":
				err = &bhInexpressible{"options.idempotencyKey is empty: in Go an empty string means \"not set\""}
			default:
				o.IdempotencyKey = s
			}
		case "lifecycle":
			o.Lifecycle, err = bhLifecycle(val)
		default:
			err = bhFaultf("create has no option %q", k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func bhLifecycle(v any) (*tensorbox.LifecycleConfig, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bhFaultf("options.lifecycle must be a mapping, got %s", bhShow(v))
	}
	lc := &tensorbox.LifecycleConfig{}
	for k, val := range m {
		switch k {
		case "onTimeout":
			s, ok := val.(string)
			if !ok {
				return nil, &bhInexpressible{"options.lifecycle.onTimeout is " + bhShow(val) + ": the Go field is a string type"}
			}
			if s == "" {
				return nil, &bhInexpressible{"options.lifecycle.onTimeout is empty: in Go an empty value means \"not set\""}
			}
			lc.OnTimeout = tensorbox.OnTimeout(s)
		case "autoResume":
			b, ok := val.(bool)
			if !ok {
				return nil, &bhInexpressible{"options.lifecycle.autoResume is " + bhShow(val) + ": the Go field is a *bool"}
			}
			lc.AutoResume = tensorbox.Ptr(b)
		default:
			return nil, bhFaultf("options.lifecycle has no field %q", k)
		}
	}
	return lc, nil
}

func bhListQuery(v any, o *tensorbox.ListOptions) error {
	if v == nil {
		return nil
	}
	q, ok := v.(map[string]any)
	if !ok {
		return bhFaultf("query must be a mapping, got %s", bhShow(v))
	}
	var err error
	for _, k := range bhSortedKeys(q) {
		val := q[k]
		switch k {
		case "state":
			if s, isString := val.(string); isString {
				o.State = []string{s}
			} else {
				o.State, err = bhStrings(val, "query.state")
			}
		case "metadata":
			o.Metadata, err = bhStringMap(val, "query.metadata")
		case "limit":
			var n int64
			if n, err = bhInt(val, "query.limit"); err == nil {
				if n == 0 {
					return &bhInexpressible{"query.limit is 0: in Go a zero Limit means \"not set\""}
				}
				o.Limit = int(n)
			}
		default:
			err = bhFaultf("list has no query parameter %q", k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// bhJSONFields are the fields of a struct by their JSON names, as Go values.
func bhJSONFields(v any) map[string]any {
	out := map[string]any{}
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = rv.Field(i).Interface()
		}
	}
	return out
}

// bhToJSON is v as the scenario files see values: through JSON, numbers as json.Number.
func bhToJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	out, err := bhDecode(b)
	if err != nil {
		return string(b)
	}
	return out
}

// bhJSONEqual compares two decoded JSON values exactly, numbers by value.
func bhJSONEqual(got, want any) bool {
	switch w := want.(type) {
	case json.Number:
		g, ok := got.(json.Number)
		if !ok {
			return false
		}
		if g == w {
			return true
		}
		gf, err1 := g.Float64()
		wf, err2 := w.Float64()
		return err1 == nil && err2 == nil && gf == wf
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !bhJSONEqual(gv, wv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !bhJSONEqual(g[i], w[i]) {
				return false
			}
		}
		return true
	default:
		return got == want
	}
}
