package wechatoa

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
)

// tokenInvalid are the codes that say the access token is no longer
// good (40001 invalid credential, 42001 expired): the only ones that
// earn a forced refresh, as force_refresh is limited (about 20 a day).
var tokenInvalid = map[int64]bool{40001: true, 42001: true}

// forPerson are the answers that waiting will not mend but a person can:
// the job waits for them with the explanation, and their retry runs it
// again.
var forPerson = map[int64]string{
	48001: "公众号没有这个接口的权限（48001）。自 2025 年 7 月起，公众号的发表接口只对已认证（微信认证）的账号开放：请先在公众平台完成认证，然后点“重试”。",
	40013: "AppID 不正确（40013）：请检查服务器配置的 YINLING_WECHAT_OA_APP_ID，改好后点“重试”。",
	40125: "AppSecret 不正确（40125）：请在公众平台「设置与开发 → 基本配置」重置 AppSecret，填入 YINLING_WECHAT_OA_APP_SECRET，然后点“重试”。",
	53503: "这篇草稿没有通过公众平台的发表检查（53503）。请到公众平台「草稿箱」打开草稿查看提示，修改后手动发表，然后标记为已完成。",
	53504: "公众平台要求到官网使用这篇草稿（53504）。请到公众平台「草稿箱」中打开它并手动发表，然后标记为已完成。",
	53505: "公众平台要求先手动保存这篇草稿再发表（53505）。请到公众平台「草稿箱」打开草稿、保存，再手动发表，然后标记为已完成。",
	53501: "公众平台拒绝通过接口发表这篇内容（53501）。请到公众平台「草稿箱」查看草稿并手动发表，然后标记为已完成。",
}

// ipNotAllowed is 40164's message: "invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist ...".
var ipInMessage = regexp.MustCompile(`invalid ip ([0-9a-fA-F.:]+)`)

// Waiting is what a delivery answers when the platform refused in a way
// a person must mend: the job waits for them with Note.
type waiting struct {
	note string
	err  error
}

func (w *waiting) Error() string { return w.note }
func (w *waiting) Unwrap() error { return w.err }

// classify turns a platform error into the outbox's terms: a *waiting
// for a person, a syndication.Final, a *quota (retry after midnight in
// Beijing), or the error as it is (retried with backoff: 5xx, time-outs,
// the network, -1 系统繁忙).
func classify(err error) error {
	var api *APIError
	if !errors.As(err, &api) {
		return err
	}
	if note, ok := forPerson[api.Code]; ok {
		return &waiting{note, err}
	}
	switch api.Code {
	case 40164:
		ip := "（未知）"
		if m := ipInMessage.FindStringSubmatch(api.Msg); m != nil {
			ip = m[1]
		}
		return &waiting{fmt.Sprintf("本服务器的 IP 地址 %s 不在公众号的 IP 白名单中（40164）。请到公众平台「设置与开发 → 基本配置 → IP 白名单」加入 %s，然后点“重试”。", ip, ip), err}
	case 45009:
		return &quota{err}
	case -1, 45011, 40001, 42001:
		return err // retried
	}
	return syndication.Final(fmt.Errorf("公众平台拒绝了请求（%d %s）：%w", api.Code, api.Msg, err))
}

// quota is 45009: the day's calls of the interface are used up; they
// come back at midnight, Beijing time.
type quota struct{ err error }

func (q *quota) Error() string {
	return "今天的接口调用次数已用完（45009），北京时间零点后自动重试：" + q.err.Error()
}
func (q *quota) Unwrap() error { return q.err }

// beijing is UTC+8, China's time all year.
var beijing = time.FixedZone("CST", 8*3600)

// nextMidnight is the next midnight in Beijing after t, and a minute.
func nextMidnight(t time.Time) time.Time {
	b := t.In(beijing)
	return time.Date(b.Year(), b.Month(), b.Day()+1, 0, 1, 0, 0, beijing)
}
