package admin

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

type revisionOut struct {
	Number     int64           `json:"number"`
	AuthorID   string          `json:"author_id"`
	AuthorName string          `json:"author_name"`
	At         time.Time       `json:"at"`
	Note       string          `json:"note"`
	Published  bool            `json:"published"`
	Fields     json.RawMessage `json:"fields,omitempty"`
}

func toRevisionOut(r content.Revision, withFields bool) revisionOut {
	out := revisionOut{Number: r.Number, AuthorID: r.AuthorID, AuthorName: r.AuthorName, At: r.At, Note: r.Note, Published: r.Published}
	if withFields {
		out.Fields = r.Snapshot
	}
	return out
}

func revisionNumber(c *fiber.Ctx, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n < 1 {
		return 0, fault.New(fault.NotFound, "no such revision")
	}
	return n, nil
}

type fieldChangeOut struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

type diffLineOut struct {
	Op   string `json:"op"` // " ", "+" or "-"
	Text string `json:"text"`
}

type comparisonOut struct {
	From   revisionOut      `json:"from"`
	To     revisionOut      `json:"to"`
	Fields []fieldChangeOut `json:"fields"`
	Body   []diffLineOut    `json:"body"`
}

// comparePair reads ?from=N&to=M.
func comparePair(c *fiber.Ctx) (from, to int64, err error) {
	var errs []fault.FieldError
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		n, err := strconv.ParseInt(string(v), 10, 64)
		bad := err != nil || n < 1
		switch string(k) {
		case "from":
			from = n
		case "to":
			to = n
		default:
			errs = append(errs, fault.FieldError{Field: string(k), Message: "unknown query parameter; allowed: from, to"})
			return
		}
		if bad {
			errs = append(errs, fault.FieldError{Field: string(k), Message: "must be a revision number"})
		}
	})
	if from == 0 || to == 0 {
		errs = append(errs, fault.FieldError{Field: "from", Message: "give both from and to"})
	}
	if len(errs) > 0 {
		return 0, 0, fault.Fields(errs...)
	}
	return from, to, nil
}

func toComparisonOut(cmp content.Comparison) comparisonOut {
	out := comparisonOut{From: toRevisionOut(cmp.From, false), To: toRevisionOut(cmp.To, false),
		Fields: []fieldChangeOut{}, Body: []diffLineOut{}}
	for _, f := range cmp.Fields {
		out.Fields = append(out.Fields, fieldChangeOut(f))
	}
	for _, l := range cmp.Body {
		out.Body = append(out.Body, diffLineOut{Op: string(l.Op), Text: l.Text})
	}
	return out
}

type lockIn struct {
	Takeover bool `json:"takeover"`
}

// lockOut is an edit lock as staff see it. Names are display names. After
// a takeover, taken_from_name and taken_at say whose lock it was and when
// it passed to the holder; taken_from_me tells the displaced editor that
// it was theirs (their screen says who took over, and keeps their text).
type lockOut struct {
	HolderID      string     `json:"holder_id"`
	HolderName    string     `json:"holder_name"`
	ExpiresAt     time.Time  `json:"expires_at"`
	Mine          bool       `json:"mine"`
	TakenFromName string     `json:"taken_from_name,omitempty"`
	TakenAt       *time.Time `json:"taken_at,omitempty"`
	TakenFromMe   bool       `json:"taken_from_me"`
}

func toLockOut(l content.Lock, me string) lockOut {
	return lockOut{HolderID: l.HolderID, HolderName: l.HolderName, ExpiresAt: l.ExpiresAt, Mine: l.HolderID == me,
		TakenFromName: l.TakenFromName, TakenAt: l.TakenAt, TakenFromMe: l.TakenAt != nil && l.TakenFromID == me && l.HolderID != me}
}
