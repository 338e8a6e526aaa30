package importing

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Outcomes of a row.
const (
	outcomeCreated = "created"
	outcomeUpdated = "updated"
	outcomeSkipped = "skipped"
	outcomeRefused = "refused"
)

// rowResult is what importing a row did.
type rowResult struct {
	outcome string
	errors  []RowError
}

// importChunk imports the next ChunkRows rows and saves the checkpoint.
// Every row's effect is written with its marker ("must not exist"), so a
// chunk worked again after a crash, or by a copy of its message, finds
// the rows it already imported and counts them as they went.
func (s *Service) importChunk(ctx context.Context, j *Job) error {
	rows, offset, end, err := s.readChunk(ctx, j, s.chunkRows())
	if errors.Is(err, domain.ErrNotFound) {
		return s.fail(ctx, j, domain.FieldError{Path: "file", Code: "import_file_gone"})
	}
	if err != nil {
		return err
	}
	o, err := s.Orgs.LoadOrg(ctx, j.Tenant)
	if err != nil {
		return err
	}
	user, ok := o.User(j.UserID)
	if !ok {
		return s.fail(ctx, j, domain.FieldError{Path: "user_id", Code: "unknown_user", Params: map[string]string{"value": j.UserID}})
	}
	done, err := s.markers(ctx, j, rows)
	if err != nil {
		return err
	}
	run := &chunkRun{s: s, j: j, o: o, scope: o.ScopeOf(user), loc: location(o), now: s.now(),
		actor: domain.Actor{Kind: domain.ActorImport, ID: j.ID, Name: j.FileName}}
	for _, r := range rows {
		res, err := run.row(ctx, r, done[r.line])
		if err != nil {
			return fmt.Errorf("importing: %s line %d: %w", j.ID, r.line, err)
		}
		if err := s.count(ctx, j, r.line, res); err != nil {
			return err
		}
	}
	j.Processed += len(rows)
	j.Chunk++
	j.Offset = offset
	if end {
		now := s.now()
		j.Status, j.FinishedAt = StatusDone, &now
		if j.Total < j.Processed {
			j.Total = j.Processed
		}
	}
	if err := s.saveJob(ctx, j); errors.Is(err, store.ErrConditionFailed) {
		return nil // a copy of the message worked the chunk too, and saved first
	} else if err != nil {
		return err
	}
	if end {
		s.finish(ctx, j)
		return nil
	}
	return s.send(ctx, j)
}

func (s *Service) chunkRows() int {
	if s.ChunkRows <= 0 {
		return DefaultChunkRows
	}
	return s.ChunkRows
}

// count adds a row's result to the job, keeping its problems.
func (s *Service) count(ctx context.Context, j *Job, line int, res rowResult) error {
	switch res.outcome {
	case outcomeCreated:
		j.Imported++
	case outcomeUpdated:
		j.Updated++
	case outcomeSkipped:
		j.Skipped++
	case outcomeRefused:
		j.Refused++
	}
	if len(res.errors) == 0 {
		return nil
	}
	j.ErrorsTotal += len(res.errors)
	rp := rowProblems{Line: line, Refused: res.outcome == outcomeRefused, Errors: res.errors}
	// Written as often as the row is worked: the same problems each time.
	if err := s.Store.Put(ctx, store.Item{Key: errorKey(j.Tenant, j.ID, line), Type: typeError, Version: 1, Doc: store.Doc(rp)}, store.None); err != nil {
		return fmt.Errorf("importing: keep problems of %s line %d: %w", j.ID, line, err)
	}
	return nil
}

// finish drops the prepared rows once nothing needs them: the errors file
// reads the refused rows from them.
func (s *Service) finish(ctx context.Context, j *Job) {
	if j.Refused > 0 || s.Files == nil {
		return
	}
	if err := s.Files.Delete(ctx, j.RowsKey); err != nil {
		s.Log.WarnContext(ctx, "importing: delete rows", "import", j.ID, "err", err)
	}
}

// markers reads the markers of the rows already imported among rows.
func (s *Service) markers(ctx context.Context, j *Job, rows []fileRow) (map[int]*marker, error) {
	out := map[int]*marker{}
	for start := 0; start < len(rows); start += 100 {
		keys := make([]store.Key, 0, 100)
		for _, r := range rows[start:min(start+100, len(rows))] {
			keys = append(keys, markerKey(j.Tenant, j.ID, r.line))
		}
		items, err := s.Store.GetMany(ctx, keys)
		if err != nil {
			return nil, fmt.Errorf("importing: read markers of %s: %w", j.ID, err)
		}
		for _, it := range items {
			m, err := store.Decode[marker](it)
			if err != nil {
				return nil, err
			}
			out[m.Line] = m
		}
	}
	return out, nil
}

// chunkRun is the context of one chunk's rows.
type chunkRun struct {
	s     *Service
	j     *Job
	o     *workspace.Org
	scope workspace.Scope
	loc   *time.Location
	now   time.Time
	actor domain.Actor
}

// row imports one row.
func (r *chunkRun) row(ctx context.Context, row fileRow, prior *marker) (rowResult, error) {
	if prior != nil {
		return r.again(ctx, row.line, prior)
	}
	in, problems := rowInput(r.o, r.j.Columns, row.cells, r.loc)
	if len(problems) > 0 {
		// The API's own checks too, so that the row's report is whole.
		_, err := in.Preview(r.o, r.now)
		return r.refused(row.line, append(problems, fieldErrors(err)...)), nil
	}
	r.withOptions(in)
	cu, err := r.s.Customers.CreateCustomerAs(ctx, r.o, in, r.actor, func(id string) []store.TxOp {
		return markerOps(r.j, row.line, id, outcomeCreated)
	})
	switch {
	case err == nil:
		return rowResult{outcome: outcomeCreated}, r.handOver(ctx, row.line, cu.ID)
	case isDuplicate(err):
		return r.duplicate(ctx, row, err)
	case errors.Is(err, store.ErrConditionFailed):
		return r.raced(ctx, row.line, err)
	case len(fieldErrors(err)) > 0:
		return r.refused(row.line, fieldErrors(err)), nil
	}
	return rowResult{}, err
}

func isDuplicate(err error) bool { _, ok := customer.DuplicateOf(err); return ok }

// again is a row imported before (by an earlier attempt at its chunk): it
// counts as it went, and its hand-over, which may not have been sent, is
// sent again (once per row, however often).
func (r *chunkRun) again(ctx context.Context, line int, m *marker) (rowResult, error) {
	if m.Outcome == outcomeCreated {
		if err := r.handOver(ctx, line, m.CustomerID); err != nil {
			return rowResult{}, err
		}
	}
	return rowResult{outcome: m.Outcome}, nil
}

// raced is a write whose marker another attempt at the row wrote first.
func (r *chunkRun) raced(ctx context.Context, line int, err error) (rowResult, error) {
	m, _, lerr := store.Load[marker](ctx, r.s.Store, markerKey(r.j.Tenant, r.j.ID, line), "marker")
	if lerr != nil {
		return rowResult{}, err
	}
	return r.again(ctx, line, m)
}

func (r *chunkRun) refused(line int, problems []domain.FieldError) rowResult {
	return rowResult{outcome: outcomeRefused, errors: rowErrors(line, r.j.Columns, problems)}
}

func (r *chunkRun) skipped(line int, problem domain.FieldError) rowResult {
	return rowResult{outcome: outcomeSkipped, errors: rowErrors(line, r.j.Columns, []domain.FieldError{problem})}
}

// withOptions puts a new customer where the options say.
func (r *chunkRun) withOptions(in *customer.Input) {
	opt := r.j.Options
	if opt.WarehouseID != "" {
		in.SetSystem(domain.FieldWarehouse, jsonOf(opt.WarehouseID))
	}
	if opt.PipelineID != "" {
		in.SetPipeline(opt.PipelineID, opt.StepID)
	}
	if opt.OwnerID != "" {
		in.SetSystem(domain.FieldOwner, jsonOf(opt.OwnerID))
	}
}

// handOver gives a new customer to the options' distribution rule.
func (r *chunkRun) handOver(ctx context.Context, line int, customerID string) error {
	rule := r.j.Options.DistributionRuleID
	if rule == "" {
		return nil
	}
	return r.s.Distribution.HandOver(ctx, r.j.Tenant, rule, customerID, "", r.j.ID+"_"+strconv.Itoa(line))
}

// duplicate is a row that collides with a customer: one an earlier row of
// the file made or updated (reported with that row's number), or one of
// the workspace's, skipped or updated as the options say.
func (r *chunkRun) duplicate(ctx context.Context, row fileRow, dupErr error) (rowResult, error) {
	holder, _ := customer.DuplicateOf(dupErr)
	var de *domain.Error
	errors.As(dupErr, &de)
	problem := de.Fields[0]
	it, err := r.s.Store.Get(ctx, customerMarkerKey(r.j.Tenant, r.j.ID, holder))
	switch {
	case err == nil:
		m, err := store.Decode[marker](it)
		if err != nil {
			return rowResult{}, err
		}
		if m.Line == row.line {
			return r.again(ctx, row.line, m)
		}
		return r.skipped(row.line, inFile(problem, m.Line)), nil
	case !errors.Is(err, store.ErrNotFound):
		return rowResult{}, err
	}
	if r.j.Options.Duplicates != DuplicatesUpdate {
		return r.skipped(row.line, problem), nil
	}
	return r.update(ctx, row, holder, problem)
}

// inFile is a row's duplicate of an earlier row of the file, on the
// criterion of the duplicate check's refusal.
func inFile(dup domain.FieldError, earlier int) domain.FieldError {
	params := map[string]string{"criterion": dup.Params["criterion"], "row": strconv.Itoa(earlier)}
	return domain.FieldError{Path: dup.Path, Code: "duplicate_in_file", Params: params}
}

// errNotYours: the customer a row would update is not the importer's to
// change.
var errNotYours = errors.New("importing: not the importer's customer")

// update writes a row's values over the customer it duplicates (the
// options, which place new customers, leave it where it is).
func (r *chunkRun) update(ctx context.Context, row fileRow, holder string, problem domain.FieldError) (rowResult, error) {
	in, _ := rowInput(r.o, r.j.Columns, row.cells, r.loc) // parsed cleanly once already
	_, err := r.s.Customers.Mutate(ctx, r.o, holder, r.actor, "updated", func(before, after *domain.Customer) ([]store.TxOp, error) {
		if before.DeletedAt != nil || !r.scope.CanWrite(before) {
			return nil, errNotYours
		}
		if err := in.Patch(r.o, after, r.now); err != nil {
			return nil, err
		}
		return markerOps(r.j, row.line, holder, outcomeUpdated), nil
	})
	switch {
	case err == nil:
		return rowResult{outcome: outcomeUpdated}, nil
	case errors.Is(err, errNotYours), errors.Is(err, domain.ErrNotFound):
		return r.skipped(row.line, problem), nil
	case isDuplicate(err):
		var de *domain.Error
		errors.As(err, &de)
		return r.skipped(row.line, de.Fields[0]), nil
	case errors.Is(err, store.ErrConditionFailed):
		return r.updateRaced(ctx, row, holder, problem, err)
	case len(fieldErrors(err)) > 0:
		return r.refused(row.line, fieldErrors(err)), nil
	}
	return rowResult{}, err
}

// updateRaced is an update whose markers were taken meanwhile: by another
// attempt at this row, or by another row updating the same customer.
func (r *chunkRun) updateRaced(ctx context.Context, row fileRow, holder string, problem domain.FieldError, err error) (rowResult, error) {
	if m, _, lerr := store.Load[marker](ctx, r.s.Store, markerKey(r.j.Tenant, r.j.ID, row.line), "marker"); lerr == nil {
		return r.again(ctx, row.line, m)
	}
	m, _, lerr := store.Load[marker](ctx, r.s.Store, customerMarkerKey(r.j.Tenant, r.j.ID, holder), "marker")
	if lerr != nil {
		return rowResult{}, err
	}
	return r.skipped(row.line, inFile(problem, m.Line)), nil
}

// StallAfter is how long a job may go without moving before the tick
// sends its message again (lost, or its sender crashed after the
// checkpoint).
const StallAfter = 10 * time.Minute

// Resend sends again the message of every job that stopped moving: the
// scheduler's tick. It returns how many it sent.
func (s *Service) Resend(ctx context.Context) (int, error) {
	now := s.now()
	sent := 0
	for it, err := range store.Items(ctx, s.Store, store.Query{Index: store.GSI3, PK: openJobsPK, Limit: 100}) {
		if err != nil {
			return sent, err
		}
		j, err := store.Decode[Job](it)
		if err != nil {
			return sent, err
		}
		if j.Finished() || now.Sub(j.UpdatedAt) < StallAfter {
			continue
		}
		// Saved first: the job looks alive again, and a worker still on
		// the chunk loses its checkpoint to the message sent now.
		if err := s.saveJob(ctx, j); errors.Is(err, store.ErrConditionFailed) {
			continue
		} else if err != nil {
			return sent, err
		}
		if err := s.send(ctx, j); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
