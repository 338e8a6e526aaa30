// Package lambdaevent converts what AWS hands a Lambda function into Tend's
// terms: for the api function, the identity the API Gateway JWT authorizer
// has already checked.
package lambdaevent

import (
	"context"
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"tend/internal/domain"
)

// subjectClaims are the claims that name the signed-in user, best first.
// Cognito puts "sub" in both its ID and access tokens; "username" (access
// token) and "cognito:username" (ID token) are fallbacks for tokens
// without one.
var subjectClaims = []string{"sub", "username", "cognito:username"}

// JWTAuthenticator is the httpapi.Authenticator of the api function. API
// Gateway's JWT authorizer verifies the token (signature, issuer, audience,
// expiry) before the function runs and passes its claims in the event's
// request context; httpadapter.NewV2(...).ProxyWithContext puts that request
// context into the request's context.Context.
//
// Only the context.Context is read, never the X-GoLambdaProxy-* headers the
// proxy's header mode uses: a client can send those headers itself.
type JWTAuthenticator struct{}

var errUnauthorized = domain.Errorf(domain.ErrUnauthorized, "unauthorized")

// Subject implements httpapi.Authenticator.
func (JWTAuthenticator) Subject(r *http.Request) (string, error) {
	claims, ok := Claims(r.Context())
	if !ok {
		return "", errUnauthorized
	}
	for _, name := range subjectClaims {
		if v := claims[name]; v != "" {
			return v, nil
		}
	}
	return "", errUnauthorized
}

// Claims returns the JWT authorizer's claims carried by ctx, if any.
func Claims(ctx context.Context) (map[string]string, bool) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(ctx)
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil || len(rc.Authorizer.JWT.Claims) == 0 {
		return nil, false
	}
	return rc.Authorizer.JWT.Claims, true
}
