//go:build !linux

package tensorbox_test

import "testing"

// The behaviour scenarios (test/behaviour) look at sandbox processes through /proc, and the
// local server's sandboxes are Linux process groups: their runner, behaviour_server_test.go,
// is built on Linux only. This stand-in says so instead of leaving the test out silently.
func TestBehaviourScenarios(t *testing.T) {
	t.Skip("the behaviour scenarios need Linux (/proc): see behaviour_server_test.go")
}
