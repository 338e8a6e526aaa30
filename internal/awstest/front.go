package awstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
)

// transactTarget is the X-Amz-Target of DynamoDB's TransactWriteItems.
const transactTarget = "DynamoDB_20120810.TransactWriteItems"

// front stands before moto_server to give TransactWriteItems the
// idempotency DynamoDB gives it: a request carrying the ClientRequestToken
// of a transaction that succeeded is answered as that one was, not run
// again. Moto ignores the token, so when an answer is lost on the way (a
// connection closed under load) and the SDK tries again, as it does on
// AWS, moto would run the transaction a second time and its conditions
// would fail against its own first run. Every other request passes
// through unchanged.
//
// Left out: DynamoDB's 10-minute window for a token, and its
// IdempotentParameterMismatch for a token reused with other items.
type front struct {
	target *url.URL
	proxy  *httputil.ReverseProxy
	client *http.Client

	mu   sync.Mutex
	done map[string]*answer // by token: transactions run, or running
}

// answer is moto's answer to a transaction, ready once ready is closed.
type answer struct {
	ready  chan struct{}
	status int
	header http.Header
	body   []byte
}

// newFront returns a front for moto at target.
func newFront(target *url.URL) *front {
	// No idle connections to moto: the closing of an idle connection as it
	// is taken again is what loses answers in the first place.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DisableKeepAlives = true
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = transport
	return &front{target: target, proxy: proxy, client: &http.Client{Transport: transport}, done: map[string]*answer{}}
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != transactTarget {
		f.proxy.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var in struct{ ClientRequestToken string }
	_ = json.Unmarshal(body, &in) // moto judges a malformed body
	a, first := f.claim(in.ClientRequestToken)
	if !first {
		<-a.ready
		if a.status == http.StatusOK {
			a.write(w)
			return
		}
	}
	got := f.forward(r, body)
	if first {
		*a = answer{ready: a.ready, status: got.status, header: got.header, body: got.body}
		close(a.ready)
	}
	got.write(w)
}

// claim returns the answer of token's transaction and whether this
// request is the first to carry it (and so must run it). A request
// without a token is always first.
func (f *front) claim(token string) (*answer, bool) {
	if token == "" {
		return &answer{ready: make(chan struct{})}, true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if a, ok := f.done[token]; ok {
		return a, false
	}
	a := &answer{ready: make(chan struct{})}
	f.done[token] = a
	return a, true
}

// forward sends the request to moto and reads its whole answer; a
// failure to reach moto is answered 502, which the SDK tries again.
func (f *front) forward(r *http.Request, body []byte) *answer {
	u := *f.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return &answer{status: http.StatusBadGateway, header: http.Header{}, body: []byte(err.Error())}
	}
	req.Header = r.Header.Clone()
	resp, err := f.client.Do(req)
	if err != nil {
		return &answer{status: http.StatusBadGateway, header: http.Header{}, body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return &answer{status: http.StatusBadGateway, header: http.Header{}, body: []byte(err.Error())}
	}
	return &answer{status: resp.StatusCode, header: resp.Header.Clone(), body: got}
}

func (a *answer) write(w http.ResponseWriter) {
	for name, values := range a.header {
		if name == "Content-Length" || name == "Connection" {
			continue
		}
		w.Header()[name] = values
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

var (
	frontsMu sync.Mutex
	fronts   = map[string]string{} // moto's endpoint → its front's URL
)

// frontFor returns the URL of the front of moto at endpoint, started on
// first use and serving until the test binary ends.
func frontFor(endpoint string) (string, error) {
	frontsMu.Lock()
	defer frontsMu.Unlock()
	if u, ok := fronts[endpoint]; ok {
		return u, nil
	}
	target, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	srv := httptest.NewServer(newFront(target))
	fronts[endpoint] = srv.URL
	return srv.URL, nil
}
