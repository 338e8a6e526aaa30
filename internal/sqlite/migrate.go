package sqlite

import (
	"database/sql"
	"errors"
	"strings"
)

// migrateItems rebuilds an items table made by an earlier version, keyed
// by (pk, sk) WITHOUT ROWID, as the rowid table of schema, in one
// transaction. Its secondary indexes go with the old table; schema makes
// them again. A new file, or one already rebuilt, is left as it is.
func migrateItems(w *sql.DB) error {
	var def string
	err := w.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'items'`).Scan(&def)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if !strings.Contains(strings.ToUpper(def), "WITHOUT ROWID") {
		return nil
	}
	tx, err := w.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	create := strings.Replace(schema[:strings.Index(schema, ";")+1], "CREATE TABLE IF NOT EXISTS items (", "CREATE TABLE items_rowid (", 1)
	cols := itemColumns + ", seg"
	for _, stmt := range []string{
		create,
		`INSERT INTO items_rowid (` + cols + `) SELECT ` + cols + ` FROM items ORDER BY pk, sk`,
		`DROP TABLE items`,
		`ALTER TABLE items_rowid RENAME TO items`,
	} {
		if _, err := tx.Exec(stmt); err != nil {
			return err
		}
	}
	return tx.Commit()
}
