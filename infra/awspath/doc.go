// Package awspath holds the AWS-path end-to-end test (make test-aws): a
// lead's whole way through Tend as deployed, over moto_server alone. The
// template's table (with its stream) and queues are created on moto as
// the template declares them (infra/localdeploy); each Lambda function's
// handler is built as its main builds it (internal/lambdafn), over its
// own environment from the template; and the test plays Lambda's part:
// it invokes the handlers with the events the event source mappings of
// the template would deliver, read from moto's DynamoDB stream and SQS
// queues, and the schedule's input. No SQLite takes part.
package awspath
