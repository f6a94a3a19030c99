package tencent

import (
	"strings"

	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/smsapi"
)

// Codes Tencent Cloud answers (SendSms's error codes, and the common
// ones), by what the office is told and whether a later try may succeed.
var codes = map[string]struct {
	class  sms.Class
	reason string
}{
	"InvalidParameterValue.IncorrectPhoneNumber":               {sms.Final, "手机号码无效"},
	"FailedOperation.PhoneNumberInBlacklist":                   {sms.Final, "该号码在黑名单中（曾回复退订，或被运营商拦截）"},
	"LimitExceeded.PhoneNumberDailyLimit":                      {sms.Retry, "超出同一号码每天的发送限额，稍后重试"},
	"LimitExceeded.PhoneNumberOneHourLimit":                    {sms.Retry, "超出同一号码每小时的发送限额，稍后重试"},
	"LimitExceeded.PhoneNumberThirtySecondLimit":               {sms.Retry, "发给同一号码太频繁（30 秒内），稍后重试"},
	"LimitExceeded.PhoneNumberSameContentDailyLimit":           {sms.Retry, "同一号码当天收到相同内容的次数超限，稍后重试"},
	"LimitExceeded.DeliveryFrequencyLimit":                     {sms.Retry, "发送频率超限，稍后重试"},
	"RequestLimitExceeded":                                     {sms.Retry, "请求太频繁，被限流，稍后重试"},
	"FailedOperation.InsufficientBalanceInSmsPackage":          {sms.Retry, "腾讯云短信套餐包余量不足，请购买后重试"},
	"FailedOperation.TemplateIncorrectOrUnapproved":            {sms.Final, "短信模板不存在或未审核通过"},
	"FailedOperation.SignatureIncorrectOrUnapproved":           {sms.Final, "短信签名不存在或未审核通过"},
	"FailedOperation.TemplateParamSetNotMatchApprovedTemplate": {sms.Final, "模板变量的个数与审核通过的模板不一致"},
	"InvalidParameterValue.TemplateParameterLengthLimit":       {sms.Final, "模板变量超出长度限制"},
	"InvalidParameterValue.TemplateParameterFormatError":       {sms.Final, "模板变量格式不对"},
	"FailedOperation.ContainSensitiveWord":                     {sms.Final, "短信内容含有敏感词"},
	"UnauthorizedOperation.SmsSdkAppIdVerifyFail":              {sms.Final, "短信应用 SdkAppId 不对"},
	"AuthFailure.SignatureFailure":                             {sms.Final, "签名校验失败：SecretKey 不对"},
	"AuthFailure.SecretIdNotFound":                             {sms.Final, "SecretId 不存在或已停用"},
	"AuthFailure.UnauthorizedOperation":                        {sms.Final, "密钥没有发送短信的权限（CAM 授权）"},
	"AuthFailure.SignatureExpire":                              {sms.Retry, "服务器时钟与腾讯云相差超过 5 分钟，请校准时间"},
	"InternalError.RequestTimeException":                       {sms.Retry, "服务器时钟不准，请校准时间"},
}

// refusal is an error answer of SendSms, as the channel takes it:
// InternalError.Timeout (the send may have gone) stays unknown, other
// internal errors are retried, codes we do not know are final.
func refusal(code, message string) error {
	if c, ok := codes[code]; ok {
		return &sms.SendError{Provider: provider, Code: code, Reason: c.reason, Class: c.class}
	}
	switch {
	case code == "InternalError.Timeout":
		return errUnknown{code}
	case strings.HasPrefix(code, "InternalError"):
		return &sms.SendError{Provider: provider, Code: code, Reason: "腾讯云短信内部错误，稍后重试", Class: sms.Retry}
	}
	return &sms.SendError{Provider: provider, Code: code, Reason: "腾讯云拒绝发送：" + smsapi.Scrub(message), Class: sms.Final}
}

// errUnknown is an answer that leaves the send unknown.
type errUnknown struct{ code string }

func (e errUnknown) Error() string {
	return provider + " " + e.code + ": the send timed out at Tencent Cloud"
}
