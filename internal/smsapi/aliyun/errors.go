package aliyun

import (
	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/smsapi"
)

// Codes Aliyun answers (its SendSms error-code page), by what the
// office is told and whether a later try may succeed.
var codes = map[string]struct {
	class  sms.Class
	reason string
}{
	"isv.MOBILE_NUMBER_ILLEGAL":       {sms.Final, "手机号码无效"},
	"isv.MOBILE_COUNT_OVER_LIMIT":     {sms.Final, "号码个数超出限制"},
	"isv.BLACK_KEY_CONTROL_LIMIT":     {sms.Final, "该号码在黑名单中（曾回复退订，或被运营商拦截）"},
	"isv.BUSINESS_LIMIT_CONTROL":      {sms.Retry, "发给同一号码太频繁，超出每分钟、每小时或每天的限额，稍后重试"},
	"isv.DAY_LIMIT_CONTROL":           {sms.Retry, "超出当天的发送限额，稍后重试"},
	"isv.AMOUNT_NOT_ENOUGH":           {sms.Retry, "阿里云账户余额不足，请充值后重试"},
	"isv.OUT_OF_SERVICE":              {sms.Retry, "阿里云账户已停机（可能欠费），请充值后重试"},
	"isv.SMS_TEMPLATE_ILLEGAL":        {sms.Final, "短信模板不存在或未审核通过"},
	"isv.SMS_SIGNATURE_ILLEGAL":       {sms.Final, "短信签名不存在或未审核通过"},
	"isv.SMS_SIGNATURE_SCENE_ILLEGAL": {sms.Final, "短信签名的适用场景与模板不符"},
	"isv.TEMPLATE_MISSING_PARAMETERS": {sms.Final, "模板变量不全，与审核通过的模板不一致"},
	"isv.INVALID_JSON_PARAM":          {sms.Final, "模板变量格式不对"},
	"isv.INVALID_PARAMETERS":          {sms.Final, "请求参数不合法"},
	"isv.PARAM_LENGTH_LIMIT":          {sms.Final, "模板变量超出长度限制"},
	"isv.TEMPLATE_PARAMS_ILLEGAL":     {sms.Final, "模板变量中有不允许的内容（如网址）"},
	"isv.ACCOUNT_NOT_EXISTS":          {sms.Final, "阿里云账户不存在"},
	"isv.ACCOUNT_ABNORMAL":            {sms.Final, "阿里云账户异常"},
	"isv.DENY_IP_RANGE":               {sms.Final, "服务器所在地区被禁止发送"},
	"isp.RAM_PERMISSION_DENY":         {sms.Final, "AccessKey 没有发送短信的权限（RAM 授权）"},
	"isp.SYSTEM_ERROR":                {sms.Retry, "阿里云短信系统错误，稍后重试"},
	"Throttling.User":                 {sms.Retry, "请求太频繁，被限流，稍后重试"},
	"Throttling":                      {sms.Retry, "请求太频繁，被限流，稍后重试"},
	"SignatureDoesNotMatch":           {sms.Final, "签名校验失败：AccessKey Secret 不对"},
	"IncompleteSignature":             {sms.Final, "签名校验失败：请求签名不完整"},
	"InvalidAccessKeyId.NotFound":     {sms.Final, "AccessKey ID 不存在"},
	"InvalidAccessKeyId.Inactive":     {sms.Final, "AccessKey 已停用"},
	"SignatureNonceUsed":              {sms.Retry, "请求的随机数重复，稍后重试"},
	"InvalidTimeStamp.Expired":        {sms.Retry, "服务器时钟与阿里云相差超过 15 分钟，请校准时间"},
}

// refusal is a SendSms answer that is not OK, as the channel takes it:
// a code we do not know is final, with Aliyun's message.
func refusal(code, message string) *sms.SendError {
	if c, ok := codes[code]; ok {
		return &sms.SendError{Provider: provider, Code: code, Reason: c.reason, Class: c.class}
	}
	return &sms.SendError{Provider: provider, Code: code, Reason: "阿里云拒绝发送：" + smsapi.Scrub(message), Class: sms.Final}
}
