package httpapi

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the OpenAPI 3.1 description of the API, kept by hand next
// to the routes; a test holds the two together.
//
//go:embed openapi.json
var openapiDoc []byte

// OpenAPI returns the OpenAPI document.
func OpenAPI() []byte { return openapiDoc }

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openapiDoc)
}
