package tensorbox

// Handwritten runtime core: options, and their resolution (explicit option > environment
// variable > default). The generator never touches this file.

import (
	"context"
	"fmt"
	"log"
	"maps"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

// Options say how to reach the API and how calls behave. Every field is optional: the zero
// value of a field means "not set", and an unset field falls back to the environment and then
// to the default. A Sandbox keeps the Options it was created or connected with for all its
// later calls; Options passed to one of its methods are laid over them for that call.
type Options struct {
	// Domain is the API's base URL. Default: $TENSOR_BOX_DOMAIN, then https://app.tos.run.
	// A bare host ("api.example.com") means https.
	Domain string
	// APIKey is sent as the X-API-Key header on every request. Default: $TENSOR_BOX_API_KEY.
	// It never appears in an error, a log line or debug output.
	APIKey string
	// RequestTimeout limits one attempt (connect, send, and read the whole response).
	// Default 60s. The caller's context limits the whole call, retries and back-off included.
	RequestTimeout time.Duration
	// MaxRetries is the number of retries after the first attempt, for requests that are safe
	// to retry. Default 2; set it with Ptr(0) to never retry.
	MaxRetries *int
	// Headers are sent with every request (a call's Headers are merged over a client's).
	Headers map[string]string
	// HTTPClient sends the requests. Default: a shared client with keep-alive connections.
	// Its own Timeout, if any, applies on top of RequestTimeout.
	HTTPClient *http.Client
	// Debug logs each request and retry (method, URL, status, timing; never the API key, a
	// secret or a body). Default: on when $TENSOR_BOX_DEBUG is set to anything but 0, false,
	// no or off.
	Debug bool
	// Logger receives the debug lines. Default: the standard library's log package.
	Logger Logger
}

// Logger receives debug lines; *log.Logger satisfies it.
type Logger interface {
	Printf(format string, v ...any)
}

// Ptr returns a pointer to v, for the optional fields whose zero value is meaningful
// (MaxRetries: Ptr(0), LifecycleConfig.AutoResume: Ptr(true)).
func Ptr[T any](v T) *T { return &v }

const (
	defaultRequestTimeout = 60 * time.Second
	defaultMaxRetries     = 2
	maxMaxRetries         = 10
	envDebug              = "TENSOR_BOX_DEBUG"
)

// defaultHTTPClient keeps connections alive between calls; its transport is the standard
// one with more idle connections per host, since every call goes to the same API host.
var defaultHTTPClient = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t}
}()

// userAgent and runtimeTag are sent on every request (runtime-behaviour.md).
var (
	userAgent  = "tensor-box-" + sdkLanguage + "/" + Version
	runtimeTag = "go/" + strings.TrimPrefix(runtime.Version(), "go")
)

// config is Options after defaults and the environment were applied and every value checked.
type config struct {
	baseURL        string
	apiKey         string
	requestTimeout time.Duration
	maxRetries     int
	client         *http.Client
	logger         Logger // nil: debug logging is off
	// header holds what every request of this config carries: the SDK's headers, the caller's,
	// the API key and a retry count of 0. It is never modified once built.
	header http.Header
	// life, on a Sandbox's own copy, ends when the Sandbox is disconnected: it cancels the
	// attempts in flight. Nil for package-level calls.
	life context.Context
}

// configKey is everything a config is built from, when the options carry no headers and no
// logger; see lastConfig.
type configKey struct {
	domain, apiKey string
	timeout        time.Duration
	retries        int
	client         *http.Client
	debug          bool
}

type cachedConfig struct {
	key configKey
	c   *config
}

// lastConfig remembers the latest config built from options without headers or a logger. By-ID
// calls mostly repeat the same options, and building the header set is most of their cost. A
// config never changes once built, so sharing it is safe.
var lastConfig atomic.Pointer[cachedConfig]

// resolve applies explicit option > environment variable > default, and checks each value.
func resolve(where string, o *Options) (*config, error) {
	domain := firstSet(o.Domain, os.Getenv(envDomain), DefaultDomain)
	apiKey := firstSet(o.APIKey, os.Getenv(envAPIKey))
	if apiKey == "" {
		return nil, argError("APIKey", "%s: no API key; set Options.APIKey or $%s", where, envAPIKey)
	}
	timeout := o.RequestTimeout
	if timeout == 0 {
		timeout = defaultRequestTimeout
	}
	if timeout < 0 {
		return nil, argError("RequestTimeout", "%s: RequestTimeout must be positive (got %v)", where, timeout)
	}
	retries := defaultMaxRetries
	if o.MaxRetries != nil {
		retries = *o.MaxRetries
	}
	if retries < 0 || retries > maxMaxRetries {
		return nil, argError("MaxRetries", "%s: MaxRetries must be from 0 to %d (got %d)", where, maxMaxRetries, retries)
	}
	debug := o.Debug || isTruthy(os.Getenv(envDebug))
	cacheable := len(o.Headers) == 0 && o.Logger == nil
	key := configKey{domain: domain, apiKey: apiKey, timeout: timeout, retries: retries, client: o.HTTPClient, debug: debug}
	if cached := lastConfig.Load(); cacheable && cached != nil && cached.key == key {
		return cached.c, nil
	}
	baseURL, err := parseDomain(where, domain)
	if err != nil {
		return nil, err
	}
	header, err := baseHeader(where, o.Headers, apiKey)
	if err != nil {
		return nil, err
	}
	c := &config{
		baseURL:        baseURL,
		apiKey:         apiKey,
		requestTimeout: timeout,
		maxRetries:     retries,
		client:         o.HTTPClient,
		header:         header,
	}
	if c.client == nil {
		c.client = defaultHTTPClient
	}
	if debug {
		c.logger = o.Logger
		if c.logger == nil {
			c.logger = log.Default()
		}
	}
	if cacheable {
		lastConfig.Store(&cachedConfig{key: key, c: c})
	}
	return c, nil
}

// merge lays the set fields of over on top of base; headers are merged key by key.
func merge(base Options, over *Options) Options {
	if over == nil {
		return base
	}
	out := base
	if over.Domain != "" {
		out.Domain = over.Domain
	}
	if over.APIKey != "" {
		out.APIKey = over.APIKey
	}
	if over.RequestTimeout != 0 {
		out.RequestTimeout = over.RequestTimeout
	}
	if over.MaxRetries != nil {
		out.MaxRetries = over.MaxRetries
	}
	if len(over.Headers) > 0 {
		out.Headers = make(map[string]string, len(base.Headers)+len(over.Headers))
		maps.Copy(out.Headers, base.Headers)
		maps.Copy(out.Headers, over.Headers)
	}
	if over.HTTPClient != nil {
		out.HTTPClient = over.HTTPClient
	}
	if over.Debug {
		out.Debug = true
	}
	if over.Logger != nil {
		out.Logger = over.Logger
	}
	return out
}

// isZero reports whether no field of o is set, so that a Sandbox can reuse its resolved config.
func (o *Options) isZero() bool {
	return o == nil || (o.Domain == "" && o.APIKey == "" && o.RequestTimeout == 0 && o.MaxRetries == nil &&
		len(o.Headers) == 0 && o.HTTPClient == nil && !o.Debug && o.Logger == nil)
}

func baseHeader(where string, extra map[string]string, apiKey string) (http.Header, error) {
	h := http.Header{
		"Accept":               {"application/json"},
		"User-Agent":           {userAgent},
		"X-Tensor-Box-Lang":    {sdkLanguage},
		"X-Tensor-Box-Version": {Version},
		"X-Tensor-Box-Runtime": {runtimeTag},
		retryHeader:            retryCounts[0],
	}
	for name, value := range extra {
		if !validHeaderName(name) {
			return nil, argError("Headers", "%s: Headers has an invalid header name %q", where, name)
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			// The value is not shown: a header may well carry a credential.
			return nil, argError("Headers", "%s: the value of header %q contains a line break or NUL", where, name)
		}
		h.Set(name, value)
	}
	// Set last, so that no extra header can replace or duplicate it.
	h.Set(apiKeyHeader, apiKey)
	return h, nil
}

// validHeaderName reports whether name is an HTTP token (RFC 9110, section 5.6.2).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 0x80 || c <= ' ' || strings.IndexByte("\"(),/:;<=>?@[\\]{}\x7f", c) >= 0 {
			return false
		}
	}
	return true
}

// parseDomain turns a domain option into a base URL without a trailing slash.
func parseDomain(where, domain string) (string, error) {
	withScheme := domain
	if !strings.Contains(domain, "://") {
		withScheme = "https://" + domain
	}
	u, err := url.Parse(withScheme)
	if err != nil || u.Host == "" {
		return "", argError("Domain", "%s: Domain must be a URL such as %s (got %q)", where, DefaultDomain, domain)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", argError("Domain", "%s: Domain must use http or https (got %q)", where, domain)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", argError("Domain", "%s: Domain must be a plain base URL, without credentials, query or fragment", where)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func isTruthy(value string) bool {
	switch strings.ToLower(value) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

func argError(argument, format string, args ...any) *InvalidArgumentError {
	return &InvalidArgumentError{Argument: argument, msg: fmt.Sprintf(format, args...)}
}
