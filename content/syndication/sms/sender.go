// Package sms tells registrants of changes to their sessions (postponed,
// rescheduled, cancelled, moved online, a place confirmed from the
// waiting list) by text message, through the outbox: the Notifier writes
// one job per registrant and notice, keyed by the registration, the
// change and the session's sequence, so a notice is sent at most once;
// the channel (SMS) sends it through a provider's SendSms with the
// office's approved sign and the template configured for the change, and
// marks the registrant told, by 短信.
//
// A send whose outcome is unknown (the connection dropped after the
// request went out, the server was killed mid-call) is never repeated by
// itself: the job waits for a person, who calls the registrant, or
// retries when sure nothing arrived. Phone numbers are read from the
// registration when the job runs, never written into jobs or logs.
//
// The package declares what it needs of a provider (Sender);
// internal/smsapi/aliyun and internal/smsapi/tencent implement it, and
// internal/smsapi/smstest stands in for both in tests.
package sms

import (
	"context"
	"fmt"
)

// Param is a template variable and its value.
type Param struct{ Name, Value string }

// Message is one text message to send.
type Message struct {
	// Phone is a mainland mobile number, 11 digits.
	Phone string
	// Sign is the approved signature (签名), without 【】.
	Sign string
	// Template is the approved template's code (Aliyun SMS_123456789) or
	// id (Tencent 1234567).
	Template string
	// Params are the template's variables in order: title, time, phone.
	// Aliyun takes them by name (${title}), Tencent by position ({1}).
	Params []Param
	// Ref is ours for the message (the job's id), echoed in the
	// provider's receipts (Aliyun OutId, Tencent SessionContext).
	Ref string
}

// Receipt is a provider's acceptance of a message.
type Receipt struct {
	// ID is the provider's id of the send (Aliyun BizId, Tencent
	// SerialNo).
	ID string
}

// Sender sends a message through a provider. An answer that refused the
// message is a *SendError; any other error leaves it unknown whether the
// message went (a time-out, a dropped connection).
type Sender interface {
	Send(ctx context.Context, m Message) (Receipt, error)
}

// Class is what a refused message calls for.
type Class int

// The classes of a refusal.
const (
	// Retry: nothing was sent, and a later try may succeed (a rate limit,
	// a busy provider, a balance to top up, a provider not reached).
	Retry Class = iota
	// Final: nothing was sent, and trying again will not help (an invalid
	// number, a template or sign not approved, wrong keys).
	Final
)

// SendError is a provider's refusal of a message: nothing was sent.
type SendError struct {
	Provider string // 阿里云短信, 腾讯云短信
	Code     string // the provider's code: isv.MOBILE_NUMBER_ILLEGAL, LimitExceeded.PhoneNumberDailyLimit
	// Reason says in Chinese what happened and what to do, for the
	// office's list.
	Reason string
	Class  Class
}

func (e *SendError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("%s（%s）", e.Reason, e.Provider)
	}
	return fmt.Sprintf("%s（%s %s）", e.Reason, e.Provider, e.Code)
}
