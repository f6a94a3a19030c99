package assembly

import (
	"context"
	"errors"
	"fmt"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/smsapi/aliyun"
	"github.com/yinling-cms/yinling/internal/smsapi/tencent"
)

// smsChannel builds the SMS channel of the configured provider (nil:
// none is configured). It reads registrations and the office's phone
// through the site, whose services are built after the outbox.
func (s *Site) smsChannel(cfg config.Config, opts Options) (*sms.SMS, error) {
	c := cfg.SMS
	var sender sms.Sender
	switch c.Provider {
	case "":
		return nil, nil
	case "aliyun":
		sender = aliyun.New(aliyun.Config{BaseURL: c.BaseURL, AccessKeyID: c.KeyID, AccessKeySecret: c.KeySecret, Client: opts.SMSClient, Clock: opts.Clock})
	case "tencent":
		sender = tencent.New(tencent.Config{BaseURL: c.BaseURL, SecretID: c.KeyID, SecretKey: c.KeySecret, SdkAppID: c.AppID, Region: c.Region,
			Client: opts.SMSClient, Clock: opts.Clock})
	default:
		return nil, fmt.Errorf("YINLING_SMS_PROVIDER: no provider %q", c.Provider)
	}
	templates, err := sms.ParseTemplates(c.Templates)
	if err != nil {
		return nil, fmt.Errorf("YINLING_SMS_TEMPLATES: %w", err)
	}
	ch, err := sms.New(sms.Config{Sender: sender, Registrations: siteRegistrations{s}, Sign: c.Sign, Templates: templates,
		MaxParam: c.MaxVar, PerSecond: c.PerSecond, Clock: opts.Clock,
		OfficePhone: func(ctx context.Context) (string, error) {
			st, err := s.Menu.Get(ctx)
			return st.Phone, err
		}})
	if err != nil {
		return nil, fmt.Errorf("YINLING_SMS_*: %w", err)
	}
	return ch, nil
}

// siteRegistrations is the site's lectures service, read when a job runs
// (it is built after the outbox).
type siteRegistrations struct{ s *Site }

func (r siteRegistrations) svc() (*lectures.Service, error) {
	if r.s.Lectures == nil {
		return nil, errors.New("the lectures service is not built yet")
	}
	return r.s.Lectures, nil
}

func (r siteRegistrations) NoticeOf(ctx context.Context, id string) (lectures.Registration, lectures.Lecture, error) {
	l, err := r.svc()
	if err != nil {
		return lectures.Registration{}, lectures.Lecture{}, err
	}
	return l.NoticeOf(ctx, id)
}

func (r siteRegistrations) MarkReached(ctx context.Context, by content.Actor, id string, sequence int64) error {
	l, err := r.svc()
	if err != nil {
		return err
	}
	return l.MarkReached(ctx, by, id, sequence)
}
