// Package queuegroup carries, in a context, the message group of a unit of
// work: the workspace it is done for. The queue adapters put it on every
// message the work sends (SQS's MessageGroupId; the local queue's group),
// so that the shared queues serve workspaces fairly: on an SQS standard
// queue a message group id makes it a fair queue, where one workspace's
// backlog (a burst of leads, a large import) does not hold up the
// messages of the others, and the local queue serves its groups in turn.
//
// The group is set where the workspace of a whole unit of work becomes
// known: the API for its authenticated caller, the webhooks once the lead
// source is found, the stream consumer per record, each queue consumer per
// message (a message's group is carried into what its handling sends).
// Work that spans workspaces (the scheduler's tick) sets it per workspace
// where it sends, or sends without one.
package queuegroup

import "context"

type key struct{}

// With returns ctx carrying group (a workspace's id). An empty group
// carries none, even where ctx carried one: the work is no workspace's.
func With(ctx context.Context, group string) context.Context {
	if group == "" && From(ctx) == "" {
		return ctx
	}
	return context.WithValue(ctx, key{}, group)
}

// From returns the group ctx carries, or "" for none.
func From(ctx context.Context) string {
	g, _ := ctx.Value(key{}).(string)
	return g
}
