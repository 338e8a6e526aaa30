package sqlite

// Checkpoints is how many checkpoints db's checkpointer has run.
func Checkpoints(db *DB) int64 { return db.ckpt.runs.Load() }
