package smstest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/smsapi/aliyun"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
	"github.com/yinling-cms/yinling/internal/smsapi/tencent"
	"github.com/yinling-cms/yinling/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var msg = sms.Message{Phone: "13812345678", Sign: "银龄办", Template: "T1", Ref: "job-1",
	Params: []sms.Param{{Name: "title", Value: "书法 入门*~"}, {Name: "time", Value: "12月10日15:00"}, {Name: "phone", Value: "029-88881234"}}}

// keep records the last request a client sent, body included, so a test
// can send it again.
type keep struct {
	req  *http.Request
	body []byte
}

func (k *keep) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		k.body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(k.body))
	}
	k.req = r.Clone(context.Background())
	return http.DefaultTransport.RoundTrip(r)
}

func (k *keep) replay(t *testing.T) {
	t.Helper()
	r := k.req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(k.body))
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
}

func refusedWith(t *testing.T, err error, code string, class sms.Class) {
	t.Helper()
	var se *sms.SendError
	if !errors.As(err, &se) || se.Code != code || se.Class != class || se.Reason == "" {
		t.Fatalf("error %v, want a refusal %s of class %d", err, code, class)
	}
}

func TestAliyunChecksTheV3SignatureItsDateAndNonce(t *testing.T) {
	s := smstest.NewAliyun()
	defer s.Close()
	s.Approve("T1", "title", "time", "phone")
	k := &keep{}
	c := aliyun.New(aliyun.Config{BaseURL: s.URL, AccessKeyID: s.KeyID, AccessKeySecret: s.Secret, Client: &http.Client{Transport: k}})
	rc, err := c.Send(context.Background(), msg)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Messages()
	if len(got) != 1 || got[0].ID != rc.ID || got[0].Phone != "13812345678" || got[0].Sign != "银龄办" || got[0].Template != "T1" ||
		got[0].Vars["title"] != "书法 入门*~" || got[0].Vars["time"] != "12月10日15:00" || got[0].Vars["phone"] != "029-88881234" || got[0].Ref != "job-1" {
		t.Fatalf("took %+v, answered %q", got, rc.ID)
	}
	// The same request again: its nonce was used.
	k.replay(t)
	// A wrong secret, a clock 16 minutes off, another key id.
	_, err = aliyun.New(aliyun.Config{BaseURL: s.URL, AccessKeyID: s.KeyID, AccessKeySecret: "wrong"}).Send(context.Background(), msg)
	refusedWith(t, err, "SignatureDoesNotMatch", sms.Final)
	_, err = aliyun.New(aliyun.Config{BaseURL: s.URL, AccessKeyID: s.KeyID, AccessKeySecret: s.Secret,
		Clock: func() time.Time { return time.Now().Add(-16 * time.Minute) }}).Send(context.Background(), msg)
	refusedWith(t, err, "InvalidTimeStamp.Expired", sms.Retry)
	_, err = aliyun.New(aliyun.Config{BaseURL: s.URL, AccessKeyID: "other", AccessKeySecret: s.Secret}).Send(context.Background(), msg)
	refusedWith(t, err, "InvalidAccessKeyId.NotFound", sms.Final)
	want := []string{"SignatureNonceUsed", "SignatureDoesNotMatch", "InvalidTimeStamp.Expired", "InvalidAccessKeyId.NotFound"}
	if r := s.Rejected(); len(r) != 4 || r[0] != want[0] || r[1] != want[1] || r[2] != want[2] || r[3] != want[3] {
		t.Fatalf("rejected %v, want %v", r, want)
	}
	if len(s.Messages()) != 1 {
		t.Fatal("a rejected request was taken")
	}
	// Refusals map to the office's reasons.
	s.RefuseNumber("13900000000", "isv.BUSINESS_LIMIT_CONTROL")
	m := msg
	m.Phone = "13900000000"
	_, err = c.Send(context.Background(), m)
	refusedWith(t, err, "isv.BUSINESS_LIMIT_CONTROL", sms.Retry)
	m.Template = "not-approved"
	m.Phone = "13812345678"
	_, err = c.Send(context.Background(), m)
	refusedWith(t, err, "isv.SMS_TEMPLATE_ILLEGAL", sms.Final)
}

func TestTencentChecksTheTC3SignatureAndItsTimestamp(t *testing.T) {
	s := smstest.NewTencent()
	defer s.Close()
	s.Approve("1234567", "1", "2", "3")
	c := tencent.New(tencent.Config{BaseURL: s.URL, SecretID: s.KeyID, SecretKey: s.Secret, SdkAppID: s.AppID})
	m := msg
	m.Template = "1234567"
	rc, err := c.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Messages()
	if len(got) != 1 || got[0].ID != rc.ID || got[0].Phone != "+8613812345678" || got[0].Sign != "银龄办" || got[0].Template != "1234567" ||
		got[0].Vars["1"] != "书法 入门*~" || got[0].Vars["2"] != "12月10日15:00" || got[0].Vars["3"] != "029-88881234" || got[0].Ref != "job-1" {
		t.Fatalf("took %+v", got)
	}
	_, err = tencent.New(tencent.Config{BaseURL: s.URL, SecretID: s.KeyID, SecretKey: "wrong", SdkAppID: s.AppID}).Send(context.Background(), m)
	refusedWith(t, err, "AuthFailure.SignatureFailure", sms.Final)
	_, err = tencent.New(tencent.Config{BaseURL: s.URL, SecretID: s.KeyID, SecretKey: s.Secret, SdkAppID: s.AppID,
		Clock: func() time.Time { return time.Now().Add(6 * time.Minute) }}).Send(context.Background(), m)
	refusedWith(t, err, "AuthFailure.SignatureExpire", sms.Retry)
	if r := s.Rejected(); len(r) != 2 {
		t.Fatalf("rejected %v", r)
	}
	s.Fail(smstest.Refuse("LimitExceeded.PhoneNumberDailyLimit"), smstest.Status503)
	_, err = c.Send(context.Background(), m)
	refusedWith(t, err, "LimitExceeded.PhoneNumberDailyLimit", sms.Retry)
	_, err = c.Send(context.Background(), m)
	var se *sms.SendError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("a 503 answered %v; its outcome is unknown, not a refusal", err)
	}
	// The number never reaches the error's text.
	m.Phone = "12345"
	_, err = c.Send(context.Background(), m)
	refusedWith(t, err, "InvalidParameterValue.IncorrectPhoneNumber", sms.Final)
	if len(s.Messages()) != 1 {
		t.Fatalf("%d messages taken", len(s.Messages()))
	}
}
