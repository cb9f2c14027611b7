package tensorbox

// Handwritten runtime core: the argument checks the generated code runs before any request,
// from the spec's types and limits. A failure is an *InvalidArgumentError that names the call,
// the argument, what is allowed and the value given. The generator never touches this file.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// optionsOf returns the one options value of a call, or a fresh zero value when none (or nil)
// was passed. Options are variadic only so that they can be left out.
func optionsOf[T any](where string, opts []*T) (*T, error) {
	switch {
	case len(opts) == 0 || (len(opts) == 1 && opts[0] == nil):
		return new(T), nil
	case len(opts) == 1:
		return opts[0], nil
	}
	return nil, argError("opts", "%s: pass at most one options value (got %d)", where, len(opts))
}

// showString quotes a value for a message, shortened when long.
func showString(v string) string {
	if utf8.RuneCountInString(v) > 60 {
		r := []rune(v)
		v = string(r[:57]) + "..."
	}
	return strconv.Quote(v)
}

// unsetOr prefixes what is allowed with "0 (not set) or" for optional arguments, whose zero
// value means "not given".
func unsetOr(optional bool, zero, allowed string) string {
	if optional {
		return zero + " (not set) or " + allowed
	}
	return allowed
}

// checkString checks a string's length in characters; maxLen < 0 means no maximum. Optional
// strings are checked only when set.
func checkString(where, arg, v string, minLen, maxLen int, optional bool) error {
	if optional && v == "" {
		return nil
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n < minLen && minLen == 1:
		return argError(arg, "%s: %s must be a non-empty string (got %s)", where, arg, showString(v))
	case n < minLen:
		return argError(arg, "%s: %s must have at least %d characters (got %s)", where, arg, minLen, showString(v))
	case maxLen >= 0 && n > maxLen:
		return argError(arg, "%s: %s must have at most %d characters (got %s)", where, arg, maxLen, showString(v))
	}
	return nil
}

// checkDuration checks a duration that goes on the wire as whole milliseconds within
// [minMs, maxMs]. An optional duration of zero means "not given" and is not sent.
func checkDuration(where, arg string, d time.Duration, minMs, maxMs int64, optional bool) error {
	if optional && d == 0 {
		return nil
	}
	lo, hi := time.Duration(minMs)*time.Millisecond, time.Duration(maxMs)*time.Millisecond
	if d%time.Millisecond != 0 || d < lo || d > hi {
		allowed := fmt.Sprintf("a whole number of milliseconds from %v to %v", lo, hi)
		return argError(arg, "%s: %s must be %s (got %v)", where, arg, unsetOr(optional, "0", allowed), d)
	}
	return nil
}

// checkInt checks an integer against the spec's bounds (either may be absent). An optional
// integer of zero means "not given" when zero is outside the bounds.
func checkInt(where, arg string, v int64, lo, hi *int64, optional bool) error {
	if optional && v == 0 {
		return nil
	}
	if (lo == nil || v >= *lo) && (hi == nil || v <= *hi) {
		return nil
	}
	var allowed string
	switch {
	case lo != nil && hi != nil:
		allowed = fmt.Sprintf("an integer from %d to %d", *lo, *hi)
	case lo != nil:
		allowed = fmt.Sprintf("an integer of at least %d", *lo)
	default:
		allowed = fmt.Sprintf("an integer of at most %d", *hi)
	}
	return argError(arg, "%s: %s must be %s (got %d)", where, arg, unsetOr(optional, "0", allowed), v)
}

// bound is a spec limit, for checkInt.
func bound(v int64) *int64 { return &v }

// checkEnum checks that v is one of the values the spec lists: enums are open in answers, but
// a value the SDK does not know is almost always a typo in a request.
func checkEnum(where, arg, v string, allowed []string, optional bool) error {
	if (optional && v == "") || slices.Contains(allowed, v) {
		return nil
	}
	return argError(arg, "%s: %s must be %s (got %s)", where, arg, unsetOr(optional, `""`, oneOf(allowed)), showString(v))
}

// checkEnums checks every element of a list with checkEnum, naming the element (State[1]).
func checkEnums(where, arg string, vs []string, allowed []string) error {
	for i, v := range vs {
		if !slices.Contains(allowed, v) {
			at := fmt.Sprintf("%s[%d]", arg, i)
			return argError(at, "%s: %s must be %s (got %s)", where, at, oneOf(allowed), showString(v))
		}
	}
	return nil
}

func oneOf(allowed []string) string {
	quoted := make([]string, len(allowed))
	for i, v := range allowed {
		quoted[i] = strconv.Quote(v)
	}
	return "one of " + strings.Join(quoted, ", ")
}

// ruleError reports a broken cross-field rule of the spec (x-tensor-box-rules).
func ruleError(where, arg, message string) error {
	return argError(arg, "%s: %s: %s", where, arg, message)
}
