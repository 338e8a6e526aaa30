package sqlite

// NextCheckpoint is closed once db's checkpointer has run its next
// checkpoint.
func NextCheckpoint(db *DB) <-chan struct{} { return *db.ckpt.ran.Load() }

// WriterPragma is the value of PRAGMA name on db's writing connection.
func WriterPragma(db *DB, name string) (string, error) {
	var v string
	err := db.w.QueryRow("PRAGMA " + name).Scan(&v)
	return v, err
}
