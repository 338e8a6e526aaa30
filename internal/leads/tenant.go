package leads

// Tenant is the workspace of the verified request's source: the webhook's
// work is done for it (its queue messages are in its group, queuegroup).
func (v *Verified) Tenant() string { return v.rec.Tenant }
