package sitetest

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
)

// WithSMS runs the site with an SMS provider's stand-in (Site.SMS) as
// its provider, the templates of SMSTemplates approved there.
func WithSMS(p smstest.Provider) Option { return func(c *siteConfig) { c.sms = p } }

// SMSTemplates are the templates a site WithSMS is configured with, by
// change (each approved at the stand-in with the variables title, time,
// phone); Tencent's are the same without "SMS_".
func SMSTemplates() map[string]string {
	return map[string]string{"postponed": "SMS_100001", "rescheduled": "SMS_100002", "cancelled": "SMS_100003",
		"moved_online": "SMS_100004", "promoted": "SMS_100005"}
}

// SMSSign is the approved sign of a site WithSMS.
const SMSSign = "银龄办"

// smsStandIn starts the provider's stand-in and configures the site to
// use it ("": none).
func smsStandIn(t testing.TB, p smstest.Provider, conf *config.Config) *smstest.Server {
	if p == "" {
		return nil
	}
	var s *smstest.Server
	if p == smstest.Aliyun {
		s = smstest.NewAliyun()
	} else {
		s = smstest.NewTencent()
	}
	t.Cleanup(s.Close)
	s.Sign = SMSSign
	templates := "{"
	for change, code := range SMSTemplates() {
		if p == smstest.Tencent {
			code = code[len("SMS_"):]
		}
		s.Approve(code, "title", "time", "phone")
		if len(templates) > 1 {
			templates += ","
		}
		templates += `"` + change + `":"` + code + `"`
	}
	conf.SMS = config.SMS{Provider: string(p), KeyID: s.KeyID, KeySecret: s.Secret, Sign: SMSSign, Templates: templates + "}",
		AppID: s.AppID, BaseURL: s.URL, PerSecond: 1000, MaxVar: 35}
	return s
}

// NotifyBySMS runs what the notify worker runs once (every pending
// notice offered to the SMS notifier), then the outbox until no text
// message is queued and due.
func (s *Site) NotifyBySMS() {
	s.T.Helper()
	if s.notifier == nil {
		s.T.Fatal("the site has no SMS provider: build it WithSMS")
	}
	ctx := context.Background()
	if _, err := s.lectures.NotifyPending(ctx, s.notifier); err != nil {
		s.T.Fatal(err)
	}
	for range 200 {
		if _, err := s.Outbox.RunDue(ctx); err != nil {
			s.T.Fatal(err)
		}
		jobs, err := s.Outbox.List(ctx, syndication.JobQuery{Kind: sms.Kind, State: syndication.Queued, Limit: 100})
		if err != nil {
			s.T.Fatal(err)
		}
		due := false
		for _, j := range jobs {
			due = due || !j.NextAt.After(time.Now().Add(time.Second))
		}
		if !due {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.T.Fatal("text messages stayed queued")
}
