package session

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/steps"
)

// TestProseMatchesRecordings holds every step's explanation to what the
// built-in recordings show the step doing. For each recorded step, the
// explanation as recorded and as the code writes it now may name a
// netlink message (RTM_*, NFT_MSG_*, ...), an ioctl (SIOC*), a /proc/sys
// file or a Docker firewall chain only if the step's own events (or the
// commands and rulesets it ran) contain it; and a step the recording
// shows skipped must not be explained as if it ran. A sentence may still
// name what the step does not do when it says so — "not", "no", "would",
// "later", "the next step" — or when it is about another step or Docker
// version.
func TestProseMatchesRecordings(t *testing.T) {
	recs := Recordings()
	if len(recs) == 0 {
		t.Fatal("no built-in recording")
	}
	for _, r := range recs {
		t.Run(r.Scenario+r.DockerVersion, func(t *testing.T) {
			s, err := r.Open()
			if err != nil {
				t.Fatal(err)
			}
			plan, err := steps.Plan(s.Header.Config)
			if err != nil {
				t.Fatalf("planning the recorded configuration: %v", err)
			}
			if len(plan) != len(s.Steps) {
				t.Fatalf("the recording has %d steps, the plan now %d: record it again (make recordings)", len(s.Steps), len(plan))
			}
			var firewall strings.Builder // the rules the recording shows so far
			for i, st := range s.Steps {
				if st.Result != nil {
					for _, c := range st.Result.Changes {
						if strings.HasPrefix(c.Area, "firewall") {
							firewall.WriteString(c.After + "\n")
						}
					}
				}
				if plan[i].ID != st.Info.ID {
					t.Errorf("step %d is %q in the recording and %q in the plan: record it again (make recordings)", i+1, st.Info.ID, plan[i].ID)
					continue
				}
				c := corpus{events: stepCorpus(st), firewall: firewall.String(), first: firstRequest(st)}
				for _, p := range []struct{ which, text string }{
					{"recorded", st.Info.Explanation},
					{"current", plan[i].Explanation},
				} {
					for _, problem := range proseProblems(p.text, c, st.Status == Skipped) {
						t.Errorf("step %d %s (%s explanation): %s", i+1, st.Info.ID, p.which, problem)
					}
				}
			}
		})
	}
}

// proseNames are the names an explanation must not use in vain; chains
// is the one for firewall chains.
var (
	proseNames = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:RTM|NFT_MSG|NFNL_MSG|IPCTNL_MSG|NLMSG|CTRL_CMD|RTNLGRP)_[A-Z0-9_]+\b`),
		regexp.MustCompile(`\bSIOC[A-Z0-9]+\b`),
		regexp.MustCompile(`/proc/sys/[A-Za-z0-9_./-]*[A-Za-z0-9_]`),
		chains,
	}
	chains = regexp.MustCompile(`\bDOCKER(?:-[A-Z0-9]+)*\b`)
)

// corpus is what a step's explanation is held to: the text of its events
// and commands, and the firewall rules the recording shows at that point
// (a step may explain how a packet crosses chains earlier steps made).
type corpus struct {
	events, firewall string
	// first is the first request the step sent (a netlink message type
	// or an ioctl): what "first ... (NAME)" must name.
	first string
}

// elsewhere marks a sentence that names something the step does not do,
// and says so.
var elsewhere = regexp.MustCompile(`(?i)\b(not|no|none|never|nor|without|would|could|instead|unlike|rather than|later|next step|following step|previous step|earlier|another|other steps?|docker <?=? ?\d+|step \d+|older|newer|removed in|used to|if|when|with --)\b`)

// proseProblems lists what text names that c does not contain, and, for
// a skipped step, an explanation that does not say it is skipped or that
// describes it as having run.
func proseProblems(text string, c corpus, skipped bool) []string {
	var out []string
	if skipped && !strings.HasPrefix(text, steps.SkippedLead) {
		out = append(out, fmt.Sprintf("the step is skipped, but its explanation does not begin %q", steps.SkippedLead))
	}
	for _, sentence := range sentences(text) {
		if skipped && ranClaim.MatchString(sentence) {
			out = append(out, fmt.Sprintf("the step is skipped, but the explanation says it ran: %q", sentence))
		}
		if skipped || elsewhere.MatchString(sentence) {
			continue // a skipped step's explanation is all conditional
		}
		if firstClaim.MatchString(sentence) {
			for _, name := range proseNames[0].FindAllString(sentence, -1) {
				if name != c.first {
					out = append(out, fmt.Sprintf("says the step first sends %s, but its first request is %s: %q", name, c.first, sentence))
				}
			}
		}
		seen := map[string]bool{}
		for _, re := range proseNames {
			for _, name := range re.FindAllString(sentence, -1) {
				if seen[name] || containsName(c.events, name) || (re == chains && containsName(c.firewall, name)) {
					continue
				}
				seen[name] = true
				out = append(out, fmt.Sprintf("names %s, which none of the step's events contains: %q", name, sentence))
			}
		}
	}
	return out
}

// firstClaim matches a sentence about what the step does first.
var firstClaim = regexp.MustCompile(`\bfirst (asks|sends|requests|queries|checks)\b`)

// firstRequest returns the type of the first netlink message the step
// sent, or the name of its first ioctl.
func firstRequest(st *Step) string {
	for _, r := range st.Records() {
		switch r.Event.Kind {
		case event.KindSend:
			for _, m := range r.Decoded.Netlink {
				return m.Name
			}
		case event.KindIoctl:
			if i := strings.Index(r.Decoded.Call, "SIOC"); i >= 0 {
				return strings.TrimRight(r.Decoded.Call[i:], ")")
			}
		}
	}
	return "(none)"
}

// ranClaim matches what only a step that ran could say of itself.
var ranClaim = regexp.MustCompile(`(?i)\b(the trace|this trace|the recording|you see|you can see|is the lesson|shows? (up|here)|captured)\b`)

// containsName reports whether text contains name as a whole word; a
// /proc/sys path also matches in dotted form, and a chain name only where
// it is not part of a longer one (DOCKER is not DOCKER-USER).
func containsName(text, name string) bool {
	if strings.HasPrefix(name, "/proc/sys/") {
		dotted := strings.ReplaceAll(strings.TrimPrefix(name, "/proc/sys/"), "/", ".")
		return strings.Contains(text, name) || strings.Contains(text, dotted)
	}
	re := regexp.MustCompile(`(^|[^A-Za-z0-9_-])` + regexp.QuoteMeta(name) + `($|[^A-Za-z0-9_-])`)
	return re.MatchString(text)
}

// sentences splits prose into sentences (at ". " and line breaks).
func sentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		for _, s := range regexp.MustCompile(`[.;:]\s+`).Split(para, -1) {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// stepCorpus is everything the step's events show, as text: each call and
// summary, every decoded field name and value, netlink message types,
// paths and argument vectors, and the commands the step ran with their
// input (an nft ruleset).
func stepCorpus(st *Step) string {
	var b strings.Builder
	var fields func(fs []event.Field)
	fields = func(fs []event.Field) {
		for _, f := range fs {
			b.WriteString(f.Name + " " + f.Value + "\n")
			fields(f.Children)
		}
	}
	for _, r := range st.Records() {
		d := &r.Decoded
		b.WriteString(d.Call + "\n" + d.Summary + "\n" + d.Path + "\n" + r.Event.Path + "\n" + strings.Join(d.Argv, " ") + "\n")
		fields(d.Fields)
		for _, m := range d.Netlink {
			b.WriteString(m.Name + " " + m.Summary + "\n")
			fields(m.Fields)
		}
	}
	if st.Result != nil {
		for _, c := range st.Result.Commands {
			b.WriteString(strings.Join(c.Args, " ") + "\n" + c.Stdin + "\n")
		}
	}
	return b.String()
}

// TestProseCheck checks the checker on made-up steps.
func TestProseCheck(t *testing.T) {
	c := corpus{
		events:   "RTM_NEWLINK docker0 kind=bridge\nRTM_GETLINK docker0\n/proc/sys/net/ipv4/ip_forward = 1\nexec iptables -N DOCKER-USER",
		firewall: "ipv4 filter: -N DOCKER-FORWARD",
		first:    "RTM_NEWLINK",
	}
	for _, tc := range []struct {
		text    string
		skipped bool
		want    int
	}{
		{"It sends RTM_NEWLINK.", false, 0},
		{"createNetwork first asks the kernel whether docker0 exists (RTM_GETLINK)", false, 1},
		{"It first sends RTM_NEWLINK.", false, 0},
		{"It asks whether docker0 exists (RTM_GETROUTE).", false, 1},
		{"It does not send RTM_GETLINK.", false, 0},
		{"It writes 1 to /proc/sys/net/ipv4/ip_forward.", false, 0},
		{"It reads /proc/sys/net/ipv6/conf/all/forwarding.", false, 1},
		{"It creates DOCKER-USER.", false, 0},
		{"It creates DOCKER.", false, 1},
		{"The packet crosses DOCKER-FORWARD.", false, 0},
		{steps.SkippedLead + ". Its empty trace is the lesson.", true, 1},
		{"It sends RTM_NEWADDR.", true, 1},
		{steps.SkippedLead + ". It sends RTM_NEWADDR.", true, 0},
	} {
		if got := proseProblems(tc.text, c, tc.skipped); len(got) != tc.want {
			t.Errorf("%q: %d problems %q, want %d", tc.text, len(got), got, tc.want)
		}
	}
}
