package lambdaevent_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"tend/internal/domain"
	"tend/internal/httpapi"
	"tend/internal/lambdaevent"
)

var _ httpapi.Authenticator = lambdaevent.JWTAuthenticator{}

// event is a GET /v1/me event with the given authorizer description.
func event(auth *events.APIGatewayV2HTTPRequestContextAuthorizerDescription) events.APIGatewayV2HTTPRequest {
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "ANY /v1/{proxy+}", RawPath: "/v1/me",
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "abc123.execute-api.ap-southeast-1.amazonaws.com", Stage: "$default",
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/me"},
			Authorizer: auth,
		},
	}
}

func jwt(claims map[string]string) *events.APIGatewayV2HTTPRequestContextAuthorizerDescription {
	return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
	}
}

// viaContext builds the request as ProxyWithContext does.
func viaContext(t *testing.T, ev events.APIGatewayV2HTTPRequest) *http.Request {
	t.Helper()
	var ra core.RequestAccessorV2
	r, err := ra.EventToRequestWithContext(t.Context(), ev)
	if err != nil {
		t.Fatalf("EventToRequestWithContext: %v", err)
	}
	return r
}

func TestJWTAuthenticatorSubject(t *testing.T) {
	const sub = "5b1e6d2a-8f3c-4c1e-9a57-0d4e2f6b9c11"
	tests := []struct {
		name    string
		request func(t *testing.T) *http.Request
		want    string // empty: unauthorized
	}{
		{"sub", func(t *testing.T) *http.Request {
			return viaContext(t, event(jwt(map[string]string{"sub": sub, "username": "other", "token_use": "access"})))
		}, sub},
		{"username when no sub", func(t *testing.T) *http.Request {
			return viaContext(t, event(jwt(map[string]string{"username": "u-access", "cognito:username": "u-id"})))
		}, "u-access"},
		{"cognito:username when no sub or username", func(t *testing.T) *http.Request {
			return viaContext(t, event(jwt(map[string]string{"cognito:username": "u-id", "token_use": "id"})))
		}, "u-id"},
		{"empty sub falls back", func(t *testing.T) *http.Request {
			return viaContext(t, event(jwt(map[string]string{"sub": "", "username": "u-access"})))
		}, "u-access"},
		{"claims without a subject", func(t *testing.T) *http.Request {
			return viaContext(t, event(jwt(map[string]string{"email": "a@example.com", "token_use": "id"})))
		}, ""},
		{"empty claims", func(t *testing.T) *http.Request {
			return viaContext(t, event(jwt(map[string]string{})))
		}, ""},
		{"no authorizer", func(t *testing.T) *http.Request {
			return viaContext(t, event(nil))
		}, ""},
		{"IAM authorizer, no JWT", func(t *testing.T) *http.Request {
			return viaContext(t, event(&events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{UserARN: "arn:aws:iam::123456789012:user/x"},
			}))
		}, ""},
		{"not from API Gateway", func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodGet, "/v1/me", nil)
		}, ""},
		{"claims in the proxy's context header are not trusted", func(t *testing.T) *http.Request {
			var ra core.RequestAccessorV2
			r, err := ra.ProxyEventToHTTPRequest(event(jwt(map[string]string{"sub": sub})))
			if err != nil {
				t.Fatalf("ProxyEventToHTTPRequest: %v", err)
			}
			if r.Header.Get(core.APIGwContextHeader) == "" {
				t.Fatalf("header mode did not set %s", core.APIGwContextHeader)
			}
			return r
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lambdaevent.JWTAuthenticator{}.Subject(tt.request(t))
			if tt.want == "" {
				var de *domain.Error
				if !errors.As(err, &de) || !errors.Is(err, domain.ErrUnauthorized) {
					t.Fatalf("Subject() = %q, %v; want an unauthorized *domain.Error", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Subject() = %q, %v; want %q, nil", got, err, tt.want)
			}
		})
	}
}
