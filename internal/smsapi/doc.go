// Package smsapi holds what the SMS providers' clients share: the
// classification of transport errors. The providers are in aliyun
// (dysmsapi SendSms, ACS3-HMAC-SHA256) and tencent (API 3.0 SendSms,
// TC3-HMAC-SHA256); smstest stands in for both.
package smsapi

import (
	"errors"
	"fmt"
	"net"
	"regexp"

	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/ground/redact"
)

// Transport turns an error of the HTTP client into the sms channel's
// terms: a connection that was never made sent nothing (a Retry
// refusal); any other failure (a time-out, a connection dropped after
// the request went) leaves the send unknown, and stays a plain error.
func Transport(provider string, err error) error {
	err = redact.Error(err)
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return &sms.SendError{Provider: provider, Reason: "连不上短信服务（网络不通），稍后重试", Class: sms.Retry}
	}
	return fmt.Errorf("%s: the send got no answer: %w", provider, err)
}

// mobileDigits finds what may be a mobile number in a provider's message.
var mobileDigits = regexp.MustCompile(`(?:\+?86)?1[3-9][0-9]{9}`)

// Scrub masks anything like a mobile number in text a provider wrote
// (its message for a code we do not know), before it is stored as a
// job's reason or logged.
func Scrub(s string) string { return mobileDigits.ReplaceAllString(s, "1**********") }
