package heatmeter

import (
	"regexp"
	"strings"
)

// idKinds names the kind of each domain.NewID prefix; an id whose prefix
// is not here keeps the prefix as its kind ({drule}, {cf}, ...).
var idKinds = map[string]string{
	"ws": "tenant", "cus": "customer", "usr": "user", "rule": "rule", "drule": "drule",
	"src": "source", "wh": "warehouse", "pl": "pipeline", "st": "step", "team": "team",
	"cmp": "campaign", "ord": "order", "task": "task", "prj": "project", "ptask": "ptask",
	"run": "run", "imp": "import", "exp": "export", "appt": "appointment", "dlv": "delivery",
}

// idPrefixes are every prefix domain.NewID is called with in Tend: a
// segment "<prefix>_<anything>" is an id of that kind (test ids like
// "cus_1" and the demo's "ws_demo" alike).
var idPrefixes = []string{
	"act", "appt", "call", "cf", "cfrun", "cmp", "cus", "dlv", "drule", "exp", "hist", "imp", "m",
	"note", "ord", "out", "pl", "prj", "ptask", "rbld", "rule", "run", "sf", "shr", "shrun", "snd",
	"src", "st", "t", "task", "team", "tpl", "upl", "usr", "wh", "ws",
}

var (
	reID     = regexp.MustCompile(`^(` + strings.Join(idPrefixes, "|") + `)_[0-9A-Za-z]+$`)
	reInID   = regexp.MustCompile(`\b(` + strings.Join(idPrefixes, "|") + `)_[0-9a-z]{16}\b`)
	reDate   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reTime   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T[0-9:.]+Z?$`)
	reMonth  = regexp.MustCompile(`^\d{4}-\d{2}$`)
	reNumber = regexp.MustCompile(`^\+?\d+$`)
	reHash   = regexp.MustCompile(`^[0-9a-f]{32,}$`)
)

// Pattern is a partition key with its variable parts replaced by their
// kind: "T#ws_5k2m9x0q4d7r1t3v#C#cus_0a1b..." is "T#{tenant}#C#{customer}".
// The segment after "UNQ#<criterion>" is a claimed value ({value}), dates
// are {date}, times {time}, numbers (phone numbers, shards) {n}, digests
// {hash}, e-mail addresses {email}.
func Pattern(pk string) string {
	segs := strings.Split(pk, "#")
	for i, s := range segs {
		if i >= 2 && segs[i-2] == "UNQ" {
			segs[i] = "{value}"
			continue
		}
		segs[i] = segmentKind(s)
	}
	return strings.Join(segs, "#")
}

// PartPattern is the pattern of a partition key, with its index.
func PartPattern(p Part) string {
	if p.Index == "" {
		return Pattern(p.PK)
	}
	return p.Index + " " + Pattern(p.PK)
}

func segmentKind(s string) string {
	switch {
	case reID.MatchString(s):
		return idKind(s)
	case reDate.MatchString(s):
		return "{date}"
	case reTime.MatchString(s):
		return "{time}"
	case reMonth.MatchString(s):
		return "{month}"
	case reNumber.MatchString(s):
		return "{n}"
	case reHash.MatchString(s):
		return "{hash}"
	case strings.Contains(s, "@"):
		return "{email}"
	}
	// An id inside a segment ("C:cus_5k2m9x0q4d7r1t3v"): only a full
	// NewID, so that words with an underscore stay as they are.
	return reInID.ReplaceAllStringFunc(s, idKind)
}

func idKind(id string) string {
	prefix := id[:strings.IndexByte(id, '_')]
	if kind, ok := idKinds[prefix]; ok {
		return "{" + kind + "}"
	}
	return "{" + prefix + "}"
}
