package listprefs

import (
	"tend/internal/domain"
	"tend/internal/store"
)

// Item types of this package.
const (
	typeSettings   = "list_settings"
	typeFilter     = "saved_filter"
	typeFilterName = "saved_filter_name"
)

// Key layout: one partition per workspace for each kind.
//
//	T#<t>#LSET   U#<user>                    a user's list settings
//	T#<t>#SFLT   ID#<id>                     a saved filter
//	             NAME#<owner>#<folded name>  the claim on its name {filter_id}, written with it
//	                                         (store.NotExist), moved on rename, removed on delete:
//	                                         names are unique per owner, ignoring case and diacritics
//
// The filters of a workspace are read whole to list them: a user holds at
// most MaxFiltersPerUser.
func settingsKey(t, user string) store.Key { return store.Key{PK: "T#" + t + "#LSET", SK: "U#" + user} }
func filtersPK(t string) string            { return "T#" + t + "#SFLT" }
func filterKey(t, id string) store.Key     { return store.Key{PK: filtersPK(t), SK: "ID#" + id} }
func filterNameKey(t, owner, name string) store.Key {
	return store.Key{PK: filtersPK(t), SK: "NAME#" + owner + "#" + domain.Fold(name)}
}
