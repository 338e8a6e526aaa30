package template_test

import (
	"fmt"
	"slices"
	"strings"

	"tend/infra/template"
	"tend/internal/apidocs"
	"tend/internal/httpapi"
)

// hooksFunction serves the webhooks (/hooks/*).
const hooksFunction = "HooksFunction"

// httpRoutes are the routes of the template's HTTP APIs (route key →
// operation of its OpenAPI body), and the route settings of their stages
// (route key → settings).
func httpRoutes(d template.Doc) (ops, settings map[string]any) {
	ops, settings = map[string]any{}, map[string]any{}
	for _, id := range d.OfType("AWS::ApiGatewayV2::Api") {
		paths, _ := template.Get(d.Resources[id].Properties, "Body", "paths").(map[string]any)
		for path, methods := range paths {
			m, _ := methods.(map[string]any)
			for method, op := range m {
				ops[strings.ToUpper(method)+" "+path] = op
			}
		}
	}
	for _, id := range d.OfType("AWS::ApiGatewayV2::Stage") {
		s, _ := d.Resources[id].Properties["RouteSettings"].(map[string]any)
		for k, v := range s {
			settings[k] = v
		}
	}
	return ops, settings
}

// checkHooksRoutes: the template routes exactly the webhooks the hooks
// function serves (httpapi.NewHooks) to it, with no authorizer (the
// handler checks each source as its kind says), each throttled by API
// Gateway (a burst and a rate, from a parameter with a default or fixed)
// so that a flood is answered 429 before it reaches Lambda.
func checkHooksRoutes(t *template.Template) []string {
	ops, settings := httpRoutes(t.CFN)
	var problems []string
	served := map[string]bool{}
	for _, r := range httpapi.NewHooks(httpapi.Config{}).Routes() {
		key := r.Method + " " + r.Pattern // API Gateway's route key, the same {name} syntax
		served[key] = true
		op, ok := ops[key]
		if !ok {
			problems = append(problems, "no route "+key)
			continue
		}
		if uri := template.Sub(template.Get(op, "x-amazon-apigateway-integration", "uri")); !strings.Contains(uri, "${"+hooksFunction+".Arn}") {
			problems = append(problems, fmt.Sprintf("%s goes to %q, not %s", key, uri, hooksFunction))
		}
		if sec := fmt.Sprint(template.Get(op, "security")); sec != "[map[NONE:[]]]" {
			problems = append(problems, fmt.Sprintf("%s: security %s, want no authorizer", key, sec))
		}
		for _, limit := range []string{"ThrottlingBurstLimit", "ThrottlingRateLimit"} {
			if !positive(t.CFN, template.Get(settings[key], limit)) {
				problems = append(problems, fmt.Sprintf("%s: no %s in its stage's RouteSettings", key, limit))
			}
		}
	}
	for key := range ops {
		if _, path, _ := strings.Cut(key, " "); strings.HasPrefix(path, "/hooks/") && !served[key] {
			problems = append(problems, fmt.Sprintf("route %s: the hooks function serves no such webhook", key))
		}
	}
	return problems
}

// positive reports whether v is a number above 0, or a parameter whose
// default is.
func positive(d template.Doc, v any) bool {
	if ref := template.Ref(v); ref != "" {
		v = d.Parameters[ref]["Default"]
	}
	switch n := v.(type) {
	case float64:
		return n > 0
	case string:
		var f float64
		_, err := fmt.Sscan(n, &f)
		return err == nil && f > 0
	}
	return false
}

// apiFunction serves the API (/v1/*) and its reference page (/docs).
const apiFunction = "ApiFunction"

// checkPublicRoutes: the routes anyone may read without a token (the
// API's public routes, as the OpenAPI document, and the reference page
// that renders it, apidocs.Routes) go to the api function with no
// authorizer: API Gateway's default, the JWT authorizer, would answer 401
// before the function is reached.
func checkPublicRoutes(t *template.Template) []string {
	ops, _ := httpRoutes(t.CFN)
	keys := slices.Clone(apidocs.Routes)
	for _, r := range httpapi.New(httpapi.Config{}).Routes() {
		if r.Public {
			keys = append(keys, r.Method+" "+r.Pattern)
		}
	}
	var problems []string
	for _, key := range keys {
		op, ok := ops[key]
		if !ok {
			problems = append(problems, "no route "+key)
			continue
		}
		if uri := template.Sub(template.Get(op, "x-amazon-apigateway-integration", "uri")); !strings.Contains(uri, "${"+apiFunction+".Arn}") {
			problems = append(problems, fmt.Sprintf("%s goes to %q, not %s", key, uri, apiFunction))
		}
		if sec := fmt.Sprint(template.Get(op, "security")); sec != "[map[NONE:[]]]" {
			problems = append(problems, fmt.Sprintf("%s: security %s, want no authorizer", key, sec))
		}
	}
	return problems
}
