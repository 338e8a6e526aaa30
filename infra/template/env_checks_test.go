package template_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"

	"tend/infra/template"
)

// mainNeeds reads the variables a function's main refuses to start
// without: TABLE_NAME (awsmain.FromEnv) and the list it gives awsmain.Run.
func mainNeeds(dir string) ([]string, error) {
	path := filepath.Join(dir, "main.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	needs, found := []string{"TABLE_NAME"}, false
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if pkg, _ := sel.X.(*ast.Ident); !ok || pkg == nil || pkg.Name != "awsmain" || sel.Sel.Name != "Run" {
			return true
		}
		found = true
		if list, ok := call.Args[1].(*ast.CompositeLit); ok {
			for _, e := range list.Elts {
				if lit, ok := e.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					needs = append(needs, s)
				}
			}
		}
		return false
	})
	if !found {
		return nil, fmt.Errorf("%s: no awsmain.Run call", path)
	}
	return needs, nil
}

// checkRequiredEnv: every function's environment in the template sets
// each variable its main requires, so that none refuses to start on AWS.
func checkRequiredEnv(root string) func(t *template.Template) []string {
	return func(t *template.Template) []string {
		var problems []string
		for _, fn := range t.SAM.OfType("AWS::Serverless::Function") {
			uri, _ := t.SAM.Resources[fn].Properties["CodeUri"].(string)
			needs, err := mainNeeds(filepath.Join(root, uri))
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", fn, err))
				continue
			}
			vars := template.Get(t.CFN.Resources[fn].Properties, "Environment", "Variables")
			for _, name := range needs {
				if v := template.Get(vars, name); v == nil || v == "" {
					problems = append(problems, fmt.Sprintf("%s: %s is not set, and %s/main.go requires it", fn, name, uri))
				}
			}
		}
		return problems
	}
}
