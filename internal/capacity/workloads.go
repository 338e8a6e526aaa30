package capacity

import (
	"fmt"
	"io"
	"math"
	"strings"

	"tend/internal/store/heatmeter"
)

// Goal is a workload's goal: its ceiling must reach Min Unit per second.
type Goal struct {
	Name string
	Unit string
	Min  float64
}

// Result is one workload measured.
type Result struct {
	Goal
	Work int
	// Title says what was run, when the work alone does not.
	Title string
	Rows  []heatmeter.Row
	// Shared are the patterns with a key every workspace of the workload
	// wrote (only for workloads of many workspaces).
	Shared []string
	// ReadPerCustomer is, for a daily run, the read units its shard jobs
	// spent per customer they read.
	ReadPerCustomer float64
}

// Ceiling is the workload's ceiling: its hottest key's.
func (r Result) Ceiling() float64 { return heatmeter.Ceiling(r.Rows) }

// Meets says whether the workload reaches its goal: its ceiling, and no
// key shared by all its workspaces (such a key's load grows with their
// number, whatever its ceiling at the number run).
func (r Result) Meets() bool { return r.Ceiling() >= r.Min && len(r.Shared) == 0 }

// funnel is a workspace whose leads enter sources, each into its own
// warehouse with a round-robin rule over its staff, after delay.
type funnel struct {
	s                *System
	token            string
	tenant           string
	sources, secrets []string
}

// funnelStaff is how many salespeople each rule of a funnel shares leads
// among, each rule its own team (a source per team, as a workspace with
// several products or regions has): a workspace taking thousands of leads
// a second has more than a handful, and each salesperson's inbox and owner
// keys then take a tenth of their rule's leads (with three salespeople for
// every rule, a third of all leads: their keys, not the workspace's, would
// set the ceiling).
const funnelStaff = 10

func newFunnel(s *System, name string, sources int) (*funnel, error) {
	return newFunnelOf(s, name, sources, funnelStaff, "0s")
}

func newFunnelOf(s *System, name string, sources, staffCount int, delay string) (*funnel, error) {
	tenant, token, err := s.Workspace(name)
	if err != nil {
		return nil, err
	}
	f := &funnel{s: s, token: token, tenant: tenant}
	var pl struct {
		ID    string `json:"id"`
		Steps []struct{ ID string }
	}
	if err := s.Call("POST", "/v1/pipelines", token, nil, map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}, {"name": "Tư vấn"}}}, 201, &pl); err != nil {
		return nil, err
	}
	for i := range sources {
		var staff []map[string]any
		for j := range staffCount {
			id, err := s.Create(token, "/v1/users", map[string]any{"name": fmt.Sprintf("Nhân viên %d.%d", i, j), "email": fmt.Sprintf("nv%d.%d.%s@example.vn", i, j, name), "role": "staff"})
			if err != nil {
				return nil, err
			}
			staff = append(staff, map[string]any{"user_id": id})
		}
		wh, err := s.Create(token, "/v1/warehouses", map[string]any{"name": fmt.Sprintf("Kho %d", i)})
		if err != nil {
			return nil, err
		}
		var src struct {
			ID     string `json:"id"`
			Secret string `json:"secret"`
		}
		if err := s.Call("POST", "/v1/lead-sources", token, nil, map[string]any{"name": fmt.Sprintf("Nguồn %d", i), "warehouse_id": wh, "pipeline_id": pl.ID, "step_id": pl.Steps[0].ID,
			"mapping": map[string]string{"name": "$.full_name", "phone": "$.phone"}}, 201, &src); err != nil {
			return nil, err
		}
		f.sources, f.secrets = append(f.sources, src.ID), append(f.secrets, src.Secret)
		if _, err := s.Create(token, "/v1/distribution-rules", map[string]any{"name": fmt.Sprintf("Chia %d", i), "type": "round_robin", "delay": delay,
			"staff": staff, "warehouse_id": wh, "pipeline_id": pl.ID, "step_id": pl.Steps[0].ID}); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// leads posts n leads, spread over the sources in turn.
func (f *funnel) leads(n, from int) error {
	for i := range n {
		k := i % len(f.sources)
		if err := f.s.PostLead(f.sources[k], f.secrets[k], map[string]any{"full_name": fmt.Sprintf("Lead %07d", from+i), "phone": fmt.Sprintf("0912%06d", from+i)}); err != nil {
			return err
		}
	}
	return nil
}

// AssignmentsPerRule: leads of one source with one round-robin rule are
// posted and stored first; only their distribution (the drain: the change
// feed, the distribution queue) is measured. A unit of work is an
// assignment.
func AssignmentsPerRule(s *System, n int) (Result, error) {
	r := Result{Goal: Goal{"assignments_per_rule", "assignments/s", 1000}, Work: n}
	f, err := newFunnel(s, "assignments", 1)
	if err != nil {
		return r, err
	}
	if err := f.leads(n, 0); err != nil {
		return r, err
	}
	s.Meter.Reset()
	if err := s.Drain(); err != nil {
		return r, err
	}
	r.Rows = heatmeter.Report(s.Meter.Charges(), n)
	return r, nil
}

// LeadsPerWorkspace: signed leads through intake and distribution for
// one workspace with 4 sources and 4 rules. A unit of work is a lead, from
// its webhook to its assignment.
func LeadsPerWorkspace(s *System, n int) (Result, error) {
	r := Result{Goal: Goal{"leads_per_workspace", "leads/s", 5000}, Work: n}
	f, err := newFunnel(s, "leads", 4)
	if err != nil {
		return r, err
	}
	s.Meter.Reset()
	if err := f.leads(n, 0); err != nil {
		return r, err
	}
	if err := s.Drain(); err != nil {
		return r, err
	}
	r.Rows = heatmeter.Report(s.Meter.Charges(), n)
	return r, nil
}

// CreatesPerWorkspace: customers created through the API with two
// duplicate criteria (phone, email) on, the change feed drained. A unit
// of work is a customer created.
func CreatesPerWorkspace(s *System, n int) (Result, error) {
	r := Result{Goal: Goal{"creates_per_workspace", "creates/s", 5000}, Work: n}
	_, token, err := s.Workspace("creates")
	if err != nil {
		return r, err
	}
	if err := s.Call("PUT", "/v1/settings/duplicates", token, nil, map[string]any{"criteria": []string{"phone", "email"}}, 200, nil); err != nil {
		return r, err
	}
	s.Meter.Reset()
	for i := range n {
		body := map[string]any{"name": fmt.Sprintf("Khách %06d", i), "phone": fmt.Sprintf("0913%06d", i), "email": fmt.Sprintf("khach%06d@example.vn", i)}
		if _, err := s.Create(token, "/v1/customers", body); err != nil {
			return r, err
		}
	}
	if err := s.Drain(); err != nil {
		return r, err
	}
	r.Rows = heatmeter.Report(s.Meter.Charges(), n)
	return r, nil
}

// Print writes a workload's table, and the patterns shared by all its
// workspaces.
func Print(w io.Writer, r Result) error {
	title := r.Name
	if r.Title != "" {
		title += ": " + r.Title
	}
	if err := heatmeter.Print(w, title, r.Work, r.Rows); err != nil {
		return err
	}
	for _, p := range r.Shared {
		if _, err := fmt.Fprintf(w, "shared by all tenants: %s\n", p); err != nil {
			return err
		}
	}
	return nil
}

// PrintCeilings writes one line per goal, exactly
// "ceiling <name> <number> <unit>", and says which meet their goal.
func PrintCeilings(w io.Writer, results []Result) error {
	fmt.Fprintln(w)
	for _, r := range results {
		c := r.Ceiling()
		if math.IsInf(c, 1) {
			c = math.MaxInt32 // no key was charged: no ceiling the meter can see
		}
		if _, err := fmt.Fprintf(w, "ceiling %s %.0f %s\n", r.Name, math.Floor(c), r.Unit); err != nil {
			return err
		}
	}
	for _, r := range results {
		verdict := "meets"
		if !r.Meets() {
			verdict = "does not meet"
		}
		why := ""
		if len(r.Shared) > 0 {
			why = fmt.Sprintf(" (keys shared by all tenants: %s)", strings.Join(r.Shared, ", "))
		}
		if _, err := fmt.Fprintf(w, "# %s %s its goal of %.0f %s%s\n", r.Name, verdict, r.Min, r.Unit, why); err != nil {
			return err
		}
	}
	return nil
}
