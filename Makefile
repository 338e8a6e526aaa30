# Tend — the two commands are `make run` and `make test`.
# The folder of this Makefile, wherever make is run from (sam build runs it
# from a scratch folder).
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
PKGS      := ./...
FUZZTIME  ?= 10s
BENCHTIME ?= 1s

.PHONY: help run test test-go test-aws lint lint-go lint-template build sam-local bench bench-lists capacity fuzz tools docs-assets clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: ## build and start Tend locally on http://localhost:8080 (data in ./.tend)
	@$(GO) build -o bin/tend-local ./infra/local
	@exec bin/tend-local

# test-go runs every package, infra/awspath (make test-aws) among them: once.
# What tests leave behind on purpose (t.ArtifactDir: the API reference
# page's screenshot) is kept under .test-artifacts.
test: tools test-go lint lint-template build ## every test: unit, both store adapters, AWS adapters on moto, a lead's AWS path, SAM template, OpenAPI, end to end
	@echo "make test: all passed"

# The race detector makes the end-to-end package (internal/localrun: a
# 10,000-row import, a 10,001-row export, ...) run for several minutes on
# two cores: past go test's default 10-minute limit on a loaded machine.
TESTTIMEOUT ?= 30m

test-go: ## go tests, with moto_server started (and stopped) for the AWS adapters
	@mkdir -p $(ROOT)/.test-artifacts
	@infra/scripts/with-moto.sh bash -c '$(GO) test -race -count=1 -timeout $(TESTTIMEOUT) -artifacts -outputdir $(ROOT)/.test-artifacts -json $(PKGS) | $(GO) run ./infra/testreport'

test-aws: tools ## the AWS-path end-to-end test alone: a lead through the functions' handlers over moto (infra/awspath)
	@infra/scripts/with-moto.sh $(GO) test -race -count=1 ./infra/awspath/

lint: lint-go ## gofmt, go vet and a go mod tidy check

lint-go:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')); \
	  if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	@$(GO) vet $(PKGS)
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1; }
	@echo "lint: gofmt, go vet and go mod tidy are clean"

lint-template: ## cfn-lint the SAM template (no errors, no warnings)
	@infra/scripts/need-python-tool.sh cfn-lint cfn-lint
	@cfn-lint template.yaml
	@echo "cfn-lint: template.yaml is clean"

build: ## cross-compile every function of template.yaml to .aws-sam/build/<Function>/bootstrap (linux/arm64)
	@infra/scripts/build-functions.sh

# One target per function of template.yaml (BuildMethod: makefile): `sam
# build` runs build-<LogicalId> with ARTIFACTS_DIR set, and `make build`
# runs the same targets, so both build with these flags.
LAMBDA_BUILD = @test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }; \
  cd $(ROOT) && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags="-s -w" -o $(ARTIFACTS_DIR)/bootstrap

.PHONY: build-ApiFunction build-StreamFunction build-HooksFunction build-DistributorFunction \
  build-SchedulerFunction build-JobsFunction build-NotifierFunction build-IntakeFunction
build-ApiFunction:         ; $(LAMBDA_BUILD) ./functions/api
build-StreamFunction:      ; $(LAMBDA_BUILD) ./functions/stream
build-HooksFunction:       ; $(LAMBDA_BUILD) ./functions/hooks
build-DistributorFunction: ; $(LAMBDA_BUILD) ./functions/distributor
build-SchedulerFunction:   ; $(LAMBDA_BUILD) ./functions/scheduler
build-JobsFunction:        ; $(LAMBDA_BUILD) ./functions/jobs
build-NotifierFunction:    ; $(LAMBDA_BUILD) ./functions/notifier
build-IntakeFunction:      ; $(LAMBDA_BUILD) ./functions/intake

sam-local: ## start moto with the template's table, queues and keys, seed them, write env.json and print a sam local invoke line per sample
	@infra/scripts/sam-local.sh

bench: ## benchmarks
	@$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

# The data set (1M customers, a few GB) is built once into .tend-bench/ and
# kept while its layout holds; make test runs the same code at 2,000
# customers (internal/benchlists).
bench-lists: ## customer lists at 1M customers: p50/p99, requests per answer and read units of each kind of request
	@$(GO) run ./infra/benchlists -dir $(ROOT)/.tend-bench

# The workloads run behind the build tag "capacity" so that make test does
# not run them a second time.
# BenchmarkDailyRun's rate (customers/s over every core) feeds the estimate
# of a daily run over 10 million customers.
capacity: ## DynamoDB units per partition key pattern and the ceiling of each workload (measures only: exits 0 whatever the figures)
	@rate=$$($(GO) test -run '^$$' -bench '^BenchmarkDailyRun$$' -benchtime 1x ./internal/rules/ | awk '/customers\/s/ {print $$(NF-1)}'); \
	TEND_DAILY_RUN_CUSTOMERS_PER_S=$$rate $(GO) test -tags capacity -count=1 -run '^TestCapacity$$' -v ./internal/capacity/ | grep -v -e '^=== RUN' -e '^--- PASS' -e '^PASS$$' -e '^ok '

fuzz: ## run every fuzz target for FUZZTIME each (default 10s)
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target"; $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

tools: ## check for (and install if missing) moto_server, cfn-lint, pdftotext (the PDF exports' tests read their text) and chromium (the API reference page's browser test)
	@command -v $(GO) >/dev/null || { echo "Go is needed: https://go.dev/dl/"; exit 1; }
	@infra/scripts/need-python-tool.sh moto_server "moto[server]"
	@infra/scripts/need-python-tool.sh cfn-lint cfn-lint
	@infra/scripts/need-debian-package.sh pdftotext poppler-utils "brew install poppler          # macOS"
	@infra/scripts/need-debian-package.sh chromium chromium "brew install --cask chromium     # macOS (or set TEND_CHROMIUM to a Chrome)"

# The API reference page's renderer (internal/apidocs) is vendored as its
# npm tarball so that a build needs no npm; this refreshes it from the
# lock (after a change of version in internal/apidocs/package.json, run
# npm install there first to update the lock).
DOCS := internal/apidocs
docs-assets: ## refresh the API reference page's vendored renderer (internal/apidocs/assets) from its package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed: apt-get install -y npm, or https://nodejs.org"; exit 1; }
	@cd $(DOCS) && npm ci --no-audit --no-fund
	@cd $(DOCS) && version=$$(node -p 'require("./package-lock.json").packages["node_modules/redoc"].version') && \
	  want=$$(node -p 'require("./package-lock.json").packages["node_modules/redoc"].integrity') && \
	  rm -rf assets.new && mkdir assets.new && npm pack --silent --pack-destination assets.new "redoc@$$version" >/dev/null && \
	  got=sha512-$$(openssl dgst -sha512 -binary "assets.new/redoc-$$version.tgz" | openssl base64 -A) && \
	  if [ "$$got" != "$$want" ]; then echo "redoc-$$version.tgz: $$got, but the lock says $$want" >&2; rm -rf assets.new; exit 1; fi && \
	  rm -rf assets && mv assets.new assets && echo "vendored $(DOCS)/assets/redoc-$$version.tgz ($$want)"

clean: ## remove build output (not the local data in .tend)
	rm -rf bin .aws-sam
