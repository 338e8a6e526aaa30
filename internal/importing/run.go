package importing

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"tend/internal/domain"
	"tend/internal/queuegroup"
	"tend/internal/shardrun"
	"tend/internal/store"
)

// JobKind is the kind of the imports' messages on the jobs queue.
const JobKind = "import"

// message is one step of an import on the jobs queue.
type message struct {
	Kind   string `json:"kind"`
	Tenant string `json:"tenant"`
	Import string `json:"import"`
	Chunk  int    `json:"chunk"`
}

// IsJob reports whether a jobs-queue message is an import's.
func IsJob(body []byte) bool { return shardrun.KindOf(body) == JobKind }

func (s *Service) send(ctx context.Context, j *Job) error {
	m := message{Kind: JobKind, Tenant: j.Tenant, Import: j.ID, Chunk: j.Chunk}
	// In the import's workspace's group (queuegroup): the tick sends again too.
	if err := s.Jobs.Send(queuegroup.With(ctx, j.Tenant), store.Doc(m), 0); err != nil {
		return fmt.Errorf("importing: send chunk %d of %s: %w", j.Chunk, j.ID, err)
	}
	return nil
}

// HandleJob works one step of an import: chunk 0 prepares the rows, each
// next chunk imports ChunkRows of them, saves the checkpoint and sends the
// message of the chunk after. A message that is not the job's next step
// (a copy, or one sent again) does nothing.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	m, err := decodeMessage(body)
	if err != nil {
		s.Log.ErrorContext(ctx, "importing: drop unreadable message", "err", err)
		return nil
	}
	j, err := s.loadJob(ctx, m.Tenant, m.Import)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if j.Finished() || m.Chunk != j.Chunk {
		return nil
	}
	if j.Chunk == 0 {
		return s.prepare(ctx, j)
	}
	return s.importChunk(ctx, j)
}

func decodeMessage(body []byte) (*message, error) {
	m, err := decodeJSON[message](body)
	if err == nil && (m.Kind != JobKind || m.Tenant == "" || m.Import == "" || m.Chunk < 0) {
		err = errors.New("not an import message")
	}
	return m, err
}

// fail ends a job that can't go on, saying why.
func (s *Service) fail(ctx context.Context, j *Job, why domain.FieldError) error {
	now := s.now()
	j.Status, j.Failure, j.FinishedAt = StatusFailed, &why, &now
	if err := s.saveJob(ctx, j); err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return err
	}
	return nil
}

// prepare reads the file once, checked as at the start, into the rows
// file: a CSV of the line and the cells of each data row, which chunks
// read from a byte offset (a spreadsheet can't be entered half-way).
func (s *Service) prepare(ctx context.Context, j *Job) error {
	files, err := s.files()
	if err != nil {
		return err
	}
	ra, size, closer, err := s.openFile(ctx, j.SourceKey)
	if errors.Is(err, domain.ErrNotFound) {
		return s.fail(ctx, j, domain.FieldError{Path: "file", Code: "import_file_gone"})
	}
	if err != nil {
		return err
	}
	defer closer.Close()
	rd, err := openSheet(ra, size)
	if fe := fieldErrors(err); len(fe) > 0 {
		return s.fail(ctx, j, fe[0])
	}
	if err != nil {
		return err
	}
	defer rd.Close()
	tmp, err := os.CreateTemp("", "tend-import-rows-*")
	if err != nil {
		return fmt.Errorf("importing: rows of %s: %w", j.ID, err)
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	bw := bufio.NewWriter(tmp)
	w := csv.NewWriter(bw)
	total := 0
	record := make([]string, 0, len(j.Columns)+1)
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if fe := fieldErrors(fileProblem(err)); len(fe) > 0 {
			return s.fail(ctx, j, fe[0])
		}
		if err != nil {
			return err
		}
		record = append(record[:0], strconv.Itoa(row.Line))
		record = append(record, row.Cells...)
		if err := w.Write(record); err != nil {
			return fmt.Errorf("importing: rows of %s: %w", j.ID, err)
		}
		total++
	}
	w.Flush()
	if err := errors.Join(w.Error(), bw.Flush()); err != nil {
		return fmt.Errorf("importing: rows of %s: %w", j.ID, err)
	}
	j.RowsKey = rowsKey(j.Tenant, j.ID)
	if err := files.Put(ctx, j.RowsKey, "text/csv", tmp); err != nil {
		return err
	}
	j.Status, j.Total, j.Chunk, j.Offset = StatusRunning, total, 1, 0
	if total == 0 {
		now := s.now()
		j.Status, j.FinishedAt = StatusDone, &now
	}
	if err := s.saveJob(ctx, j); errors.Is(err, store.ErrConditionFailed) {
		return nil // another copy of the message prepared it
	} else if err != nil {
		return err
	}
	if err := files.Delete(ctx, j.SourceKey); err != nil {
		s.Log.WarnContext(ctx, "importing: delete source", "import", j.ID, "err", err)
	}
	if j.Finished() {
		return nil
	}
	return s.send(ctx, j)
}

// fileRow is one row of the rows file.
type fileRow struct {
	line  int
	cells []string
}

// readChunk reads up to n rows of the rows file from offset; it returns
// them, the offset after them, and whether the file ended.
func (s *Service) readChunk(ctx context.Context, j *Job, n int) ([]fileRow, int64, bool, error) {
	files, err := s.files()
	if err != nil {
		return nil, 0, false, err
	}
	body, err := files.OpenAt(ctx, j.RowsKey, j.Offset)
	if err != nil {
		return nil, 0, false, fmt.Errorf("importing: rows of %s at %d: %w", j.ID, j.Offset, err)
	}
	defer body.Close()
	cr := csv.NewReader(bufio.NewReaderSize(body, 64<<10))
	cr.FieldsPerRecord = -1
	var rows []fileRow
	var after int64 // the offset after the last row taken
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, j.Offset + after, true, nil
		}
		if err != nil {
			return nil, 0, false, fmt.Errorf("importing: rows of %s: %w", j.ID, err)
		}
		if len(rows) == n {
			// One row more was read to see whether the file ends here.
			return rows, j.Offset + after, false, nil
		}
		line, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, 0, false, fmt.Errorf("importing: rows of %s: line %q", j.ID, rec[0])
		}
		rows = append(rows, fileRow{line: line, cells: rec[1:]})
		after = cr.InputOffset()
	}
}

// eachRow calls fn with every row of the rows file, streaming.
func (s *Service) eachRow(ctx context.Context, j *Job, fn func(fileRow) error) error {
	files, err := s.files()
	if err != nil {
		return err
	}
	body, _, err := files.Open(ctx, j.RowsKey)
	if err != nil {
		return err
	}
	defer body.Close()
	cr := csv.NewReader(bufio.NewReaderSize(body, 64<<10))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("importing: rows of %s: %w", j.ID, err)
		}
		line, err := strconv.Atoi(rec[0])
		if err != nil {
			return fmt.Errorf("importing: rows of %s: line %q", j.ID, rec[0])
		}
		if err := fn(fileRow{line: line, cells: rec[1:]}); err != nil {
			return err
		}
	}
}
