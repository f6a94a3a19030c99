package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Channel is the channel's name in jobs; Kind the kind of their entries
// (registrations, by id).
const (
	Channel = "sms"
	Kind    = "registrations"
)

// Actor is who marks a registrant told when their message went.
var Actor = content.Actor{Name: "短信"}

// Steps an SMS job records.
const (
	// StepSending is written just before SendSms: found on a later run
	// without StepSent, it means the outcome is unknown.
	StepSending = syndication.PendingPrefix + "send"
	// StepSent holds the provider's id of the send.
	StepSent = "sent"
)

// Changes are the changes a template may be configured for.
var Changes = []lectures.Change{lectures.Change(lectures.EventPostponed), lectures.Change(lectures.EventRescheduled),
	lectures.Change(lectures.EventCancelled), lectures.Change(lectures.EventMovedOnline), lectures.ChangePromoted,
	lectures.Change(lectures.EventScheduled)}

// Templates are the approved templates by change; a change with none is
// not sent by text (the office calls).
type Templates map[lectures.Change]string

// ParseTemplates reads templates from JSON: {"postponed": "SMS_123", ...}.
func ParseTemplates(s string) (Templates, error) {
	t := Templates{}
	if strings.TrimSpace(s) == "" {
		return t, nil
	}
	if err := json.Unmarshal([]byte(s), &t); err != nil {
		return nil, fmt.Errorf("sms: the templates are not a JSON object of strings: %w", err)
	}
	for c, code := range t {
		if !slices.Contains(Changes, c) {
			return nil, fmt.Errorf("sms: no change %q (the changes: postponed, rescheduled, cancelled, moved_online, promoted, scheduled)", c)
		}
		if strings.TrimSpace(code) == "" {
			delete(t, c)
		}
	}
	return t, nil
}

// Registrations is what the channel reads and marks of registrations
// (*lectures.Service).
type Registrations interface {
	NoticeOf(ctx context.Context, id string) (lectures.Registration, lectures.Lecture, error)
	MarkReached(ctx context.Context, by content.Actor, id string, sequence int64) error
}

// Config is what the channel is built from.
type Config struct {
	Sender        Sender
	Registrations Registrations
	// Sign is the approved signature, without 【】.
	Sign      string
	Templates Templates
	// OfficePhone answers the office's phone number (the site's
	// settings), the template's third variable.
	OfficePhone func(ctx context.Context) (string, error)
	// MaxParam is the most characters a variable's value may have
	// (DefaultMaxParam when zero): a longer title is cut with "…".
	MaxParam int
	// PerSecond is how many messages the channel sends a second on this
	// instance (DefaultPerSecond when zero).
	PerSecond float64
	Clock     func() time.Time
}

// DefaultMaxParam is Aliyun's limit on a notification template's
// variable of the kind 其他 (35 characters).
const DefaultMaxParam = 35

// DefaultPerSecond is the default rate of sends.
const DefaultPerSecond = 5

// SMS is the channel.
type SMS struct {
	cfg  Config
	mu   sync.Mutex
	next time.Time // the earliest the next send may go
}

// New makes the channel.
func New(cfg Config) (*SMS, error) {
	if cfg.Sender == nil || cfg.Registrations == nil || cfg.OfficePhone == nil {
		return nil, errors.New("sms: a Sender, the Registrations and the OfficePhone are needed")
	}
	if strings.TrimSpace(cfg.Sign) == "" {
		return nil, errors.New("sms: no sign (签名) is configured")
	}
	if cfg.MaxParam <= 0 {
		cfg.MaxParam = DefaultMaxParam
	}
	if cfg.PerSecond <= 0 {
		cfg.PerSecond = DefaultPerSecond
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &SMS{cfg: cfg}, nil
}

// Payload is what a job carries: which notice of the registration (its
// EntryID) to send. No number: it is read when the job runs.
type Payload struct {
	LectureID string          `json:"lecture_id"`
	Sequence  int64           `json:"sequence"`
	Change    lectures.Change `json:"change"`
}

// Sends reports whether a notice of change to phone goes by text: a
// template is configured for it and the number is a mobile one; why
// not, in Chinese, when it does not.
func (c *SMS) Sends(change lectures.Change, phone string) (bool, string) {
	switch {
	case c.cfg.Templates[change] == "":
		return false, "这类变动没有配置短信模板，请电话通知"
	case !lectures.IsMobile(phone):
		return false, "固定电话收不到短信，请电话通知"
	}
	return true, ""
}

// Deliver implements syndication.Channel.
func (c *SMS) Deliver(ctx context.Context, run *syndication.Run) (syndication.Outcome, error) {
	j := run.Job()
	var p Payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return syndication.Outcome{}, syndication.Final(fmt.Errorf("the job's notice cannot be read: %w", err))
	}
	if _, sent := j.StepValue(StepSent); sent {
		return c.told(ctx, j, p)
	}
	r, l, err := c.cfg.Registrations.NoticeOf(ctx, j.EntryID)
	switch {
	case fault.Is(err, fault.NotFound):
		return syndication.Outcome{}, syndication.Final(errors.New("报名记录已不在（已删除），短信不再发送"))
	case err != nil:
		return syndication.Outcome{}, err
	case r.Notice == nil || r.Notice.Sequence != p.Sequence || r.Notice.Change() != p.Change:
		return syndication.Outcome{State: syndication.Done, Note: "无需再发：已标记为已通知，或讲座又有新的变动（另发新通知）"}, nil
	}
	if !j.StepAt(StepSending).IsZero() {
		return syndication.Outcome{State: syndication.WaitingPerson, Note: unsureNote}, nil
	}
	m, err := c.message(ctx, j, r, l)
	if err != nil {
		return syndication.Outcome{}, err
	}
	if wait := c.take(); wait > 0 {
		return syndication.Outcome{State: syndication.Queued, Later: c.cfg.Clock().Add(wait)}, nil
	}
	if err := run.Record(ctx, StepSending, ""); err != nil {
		return syndication.Outcome{}, err
	}
	rc, err := c.cfg.Sender.Send(ctx, m)
	var refused *SendError
	switch {
	case errors.As(err, &refused):
		// Nothing went: a later run may send.
		if ferr := run.Forget(ctx, StepSending); ferr != nil {
			return syndication.Outcome{}, ferr
		}
		if refused.Class == Final {
			return syndication.Outcome{}, syndication.Final(refused)
		}
		return syndication.Outcome{}, refused
	case err != nil && ctx.Err() != nil:
		return syndication.Outcome{}, err // stopping: the next run finds the send pending
	case err != nil:
		// The provider's error stays out: the note is the office's, in
		// Chinese.
		return syndication.Outcome{State: syndication.WaitingPerson, Note: unsureNote}, nil
	}
	if err := run.Record(ctx, StepSent, rc.ID); err != nil {
		return syndication.Outcome{}, err
	}
	return c.told(ctx, run.Job(), p)
}

// unsureNote is what the office is told of a send whose outcome is
// unknown.
const unsureNote = "短信发送没有得到答复，无法确认是否已发出。请电话通知后标记为已完成；确认对方没有收到时，可点“重试”再发一次。"

// told marks the registrant told of the notice, by 短信. A notice told
// meanwhile, or superseded by a newer one, is left alone.
func (c *SMS) told(ctx context.Context, j syndication.Job, p Payload) (syndication.Outcome, error) {
	err := c.cfg.Registrations.MarkReached(ctx, Actor, j.EntryID, p.Sequence)
	if err != nil && !fault.Is(err, fault.NotFound) && !fault.Is(err, fault.Conflict) {
		return syndication.Outcome{}, err
	}
	return syndication.Outcome{State: syndication.Done, Note: "短信已发送"}, nil
}

// message is the text message of the registration's notice: its
// template, the session's title, its time and the office's phone.
func (c *SMS) message(ctx context.Context, j syndication.Job, r lectures.Registration, l lectures.Lecture) (Message, error) {
	change := r.Notice.Change()
	if ok, why := c.Sends(change, r.Phone); !ok {
		return Message{}, syndication.Final(errors.New(why))
	}
	phone, err := c.cfg.OfficePhone(ctx)
	if err != nil {
		return Message{}, err
	}
	if phone == "" {
		return Message{}, errors.New("网站没有设置办公室电话（在“菜单与电话”中设置），短信模板需要它")
	}
	title, starts := l.Title, l.StartsAt
	if l.Live != nil {
		title, starts = l.Live.Title, l.Live.StartsAt
	}
	if title == "" {
		title = j.Title
	}
	switch n := r.Notice; {
	case n.StartsAt != nil:
		starts = n.StartsAt
	case n.PreviousStartsAt != nil:
		starts = n.PreviousStartsAt
	}
	when := "待定"
	if starts != nil {
		when = Spoken(*starts)
	}
	return Message{Phone: r.Phone, Sign: c.cfg.Sign, Template: c.cfg.Templates[change], Ref: j.ID,
		Params: []Param{{"title", Cut(title, c.cfg.MaxParam)}, {"time", Cut(when, c.cfg.MaxParam)}, {"phone", Cut(phone, c.cfg.MaxParam)}}}, nil
}

// shanghai is Beijing time, as messages say it.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// Spoken is a time as a message says it: 2026年12月10日15:00, Beijing
// time: a date and time together, the year included, as Aliyun's time
// variable (变量属性 时间) takes them.
func Spoken(t time.Time) string { return t.In(shanghai).Format("2006年1月2日15:04") }

// Cut shortens s to at most n characters, ending it with "…" when cut.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// take reserves the next send slot: zero when the send may go now,
// else how long to wait.
func (c *SMS) take() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.cfg.Clock()
	if wait := c.next.Sub(now); wait > 0 {
		return wait
	}
	c.next = now.Add(time.Duration(float64(time.Second) / c.cfg.PerSecond))
	return 0
}

func jsonOf(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sms: encode the payload: %w", err)
	}
	return b, nil
}

func jsonUnmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("sms: the job's notice cannot be read: %w", err)
	}
	return nil
}
