package sqlite

// NextCheckpoint is closed once db's checkpointer has run its next
// checkpoint.
func NextCheckpoint(db *DB) <-chan struct{} { return *db.ckpt.ran.Load() }
