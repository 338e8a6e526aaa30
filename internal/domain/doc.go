// Package domain is Tend's vocabulary: the entities every capability
// shares (workspaces, users, customers, notes, appointments, the actors of
// a change), the values they hold (dates, durations, custom field
// values, folded text for searching without accents), the clock, and
// coded errors (a kind, a stable code and the elements at fault) that the
// HTTP layer renders in the caller's language. It imports only the
// standard library.
package domain
