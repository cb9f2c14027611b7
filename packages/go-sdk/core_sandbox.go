package tensorbox

// Handwritten runtime core: what every Sandbox has besides its generated API methods (its ID,
// the connection it was made with, Disconnect), and the pagination behind the list iterator.
// The generator never touches this file.

import (
	"context"
	"fmt"
	"iter"
)

// Sandbox is a connected tensor-box sandbox. Get one from Create or Connect; its methods call
// the API with the Options it was made with. A Sandbox is safe for concurrent use.
type Sandbox struct {
	id   string
	opts Options
	// cfg is opts resolved once, reused by every call that brings no options of its own.
	cfg *config
	// life ends when Disconnect is called; it cancels calls in flight and refuses later ones.
	life context.Context
	stop context.CancelCauseFunc
}

func newSandbox(id string, opts Options, cfg *config) *Sandbox {
	life, stop := context.WithCancelCause(context.Background())
	return &Sandbox{id: id, opts: opts, cfg: cfg.withLife(life), life: life, stop: stop}
}

// withLife returns a copy of c whose attempts end when life does.
func (c *config) withLife(life context.Context) *config {
	own := *c
	own.life = life
	return &own
}

// ID returns the sandbox's ID ("sbx_…").
func (s *Sandbox) ID() string { return s.id }

// Disconnect ends this SDK's connection to the sandbox and leaves the sandbox running. Calls
// in flight on this Sandbox are cancelled, and later calls fail with an error matching
// ErrUserAbort; Connect(ctx, s.ID(), …) makes a new connection. Calling it again does nothing.
func (s *Sandbox) Disconnect() {
	s.stop(fmt.Errorf("sandbox %s was disconnected", s.id))
}

// begin prepares one call on the instance: it refuses a disconnected Sandbox and lays the
// call's options over the instance's. The config it returns ends the call's attempts when the
// Sandbox is disconnected (see config.life).
func (s *Sandbox) begin(where string, over *Options) (*config, error) {
	if s == nil || s.life == nil {
		return nil, argError("Sandbox", "%s: this Sandbox was not made by Create or Connect", where)
	}
	if s.life.Err() != nil {
		return nil, &UserAbortError{
			msg:   fmt.Sprintf("%s: sandbox %s was disconnected; use tensorbox.Connect to connect again", where, s.id),
			cause: context.Cause(s.life),
		}
	}
	if over.isZero() {
		return s.cfg, nil
	}
	merged := merge(s.opts, over)
	cfg, err := resolve(where, &merged)
	if err != nil {
		return nil, err
	}
	return cfg.withLife(s.life), nil
}

// logf writes a debug line with the Sandbox's options (nothing on a nil or zero Sandbox).
func (s *Sandbox) logf(format string, args ...any) {
	if s != nil {
		s.cfg.logf(format, args...)
	}
}

// paginate yields the items of every page, fetching the next page only when the consumer
// gets past the last item of the current one. fetch gets "" for the first page.
func paginate[T any](ctx context.Context, yield func(T, error) bool, op *operation, path string,
	fetch func(ctx context.Context, cursor string) (items []T, next string, err error)) {
	var zero T
	seen := make(map[string]bool)
	cursor := ""
	for {
		items, next, err := fetch(ctx, cursor)
		if err != nil {
			yield(zero, err)
			return
		}
		for _, item := range items {
			if !yield(item, nil) {
				return
			}
		}
		if next == "" {
			return
		}
		if seen[next] {
			// A server that hands out a cursor twice would make this loop forever.
			yield(zero, &ConnectionError{Method: op.method, Path: path, reason: fmt.Sprintf("the server returned the page cursor %q twice", next)})
			return
		}
		seen[next] = true
		cursor = next
	}
}

// collect reads a whole iterator; a nil-free empty slice keeps JSON output as [] not null.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	all := []T{}
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		all = append(all, item)
	}
	return all, nil
}
