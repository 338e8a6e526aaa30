package distribution

import (
	"context"
	"encoding/json"
	"fmt"

	"tend/internal/queuegroup"
)

// HandleBatch handles messages of the distribution queue taken together
// (the distributor's SQS batch; locally, a drain's round of one group).
// Each rule's customers of the batch that need a position take them with
// one atomic add of their number (rotation.go), in the batch's order. It
// returns one error per message, nil for a message handled: a failed
// message is retried alone, the others are done.
//
// A copy of a message already in the batch is handled after the others,
// alone: it finds the position its twin claimed, as a redelivery would.
func (s *Service) HandleBatch(ctx context.Context, bodies [][]byte) []error {
	errs := make([]error, len(bodies))
	type waiting struct {
		i int
		p *pending
	}
	byRule := map[[2]string][]waiting{}
	var rules [][2]string // in order of first appearance
	seen := map[string]bool{}
	var copies []int
	for i, b := range bodies {
		m, err := decodeMessage(b)
		if err != nil {
			errs[i] = err
			continue
		}
		mctx := queuegroup.With(ctx, m.Tenant)
		sk := slotKey(m.Tenant, m.Rule, m.Customer, m.Episode).String()
		if seen[sk] {
			copies = append(copies, i)
			continue
		}
		seen[sk] = true
		p, err := s.prepare(mctx, m)
		if err != nil || p == nil {
			errs[i] = err
			continue
		}
		n, ok, err := s.slotOf(mctx, m)
		if err != nil {
			errs[i] = err
			continue
		}
		if ok { // a redelivery: its position is claimed already
			errs[i] = s.finish(mctx, p, n)
			continue
		}
		r := [2]string{m.Tenant, m.Rule}
		if _, ok := byRule[r]; !ok {
			rules = append(rules, r)
		}
		byRule[r] = append(byRule[r], waiting{i, p})
	}
	for _, r := range rules {
		ws := byRule[r]
		rctx := queuegroup.With(ctx, r[0])
		last, err := s.nextPositions(rctx, r[0], r[1], len(ws))
		for j, w := range ws {
			if err != nil {
				errs[w.i] = err
				continue
			}
			n, cerr := s.claim(rctx, w.p.m, last-int64(len(ws)-1-j))
			if cerr != nil {
				errs[w.i] = cerr
				continue
			}
			errs[w.i] = s.finish(rctx, w.p, n)
		}
	}
	for _, i := range copies {
		errs[i] = s.HandleMessage(ctx, bodies[i])
	}
	return errs
}

// decodeMessage reads a message of the distribution queue.
func decodeMessage(body []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(body, &m); err != nil || (m.Kind != KindAssign && m.Kind != KindReclaim && m.Kind != KindHandOver) {
		return Message{}, fmt.Errorf("distribution: not a distribution message: %s", body)
	}
	return m, nil
}
