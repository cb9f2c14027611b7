package tensorbox

// Handwritten runtime core: URL building with the one canonical encoding every tensor-box SDK
// shares — UTF-8, and every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~)
// percent-encoded — so that the same input gives the same bytes on the wire in TypeScript,
// Python and Go. (url.QueryEscape writes a space as '+' and url.PathEscape keeps some
// reserved characters, so neither is used.) The generator never touches this file.

import (
	"slices"
	"strings"
	"time"
)

const upperHex = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// escape percent-encodes s canonically; it is used for path segments and query names and values.
func escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return b.String()
}

// query builds a query string in the order parameters are added (the spec's order).
type query struct {
	b strings.Builder
}

// add appends name=value.
func (q *query) add(name, value string) {
	if q.b.Len() > 0 {
		q.b.WriteByte('&')
	}
	q.b.WriteString(escape(name))
	q.b.WriteByte('=')
	q.b.WriteString(escape(value))
}

// addEach appends name=v for every value (style form, explode true: state=a&state=b).
func (q *query) addEach(name string, values []string) {
	for _, v := range values {
		q.add(name, v)
	}
}

// addMap writes m as one form-encoded string (k=v&k2=v2, keys sorted so the bytes are stable)
// and appends it as the single value of name; the value is then encoded once more as a whole.
// Nothing is added for an empty map.
func (q *query) addMap(name string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var inner strings.Builder
	for i, k := range keys {
		if i > 0 {
			inner.WriteByte('&')
		}
		inner.WriteString(escape(k))
		inner.WriteByte('=')
		inner.WriteString(escape(m[k]))
	}
	q.add(name, inner.String())
}

func (q *query) String() string { return q.b.String() }

// formatTime writes a time as the wire wants it: RFC 3339 in UTC with milliseconds and Z.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
