package reads

import "strings"

// botTokens are parts of the User-Agent of crawlers, link previewers,
// monitors and scripts (lower case): search engines of China and
// elsewhere name themselves spider or bot, tools name their library.
var botTokens = []string{
	"bot", "spider", "crawl", "slurp", "archiver", "preview", "fetch", "scan", "monitor", "uptime", "pingdom",
	"headless", "lighthouse", "phantomjs", "curl/", "wget", "python", "go-http-client", "java/", "okhttp",
	"libwww", "httpclient", "axios", "node-fetch", "undici", "scrapy", "facebookexternalhit", "mediapartners",
	"yahoo! slurp", "feed", "rss", "validator", "check", "http_request", "apache-", "fasthttp", "wordpress",
}

// Bot reports whether a User-Agent is a robot's: empty, or naming a
// crawler, previewer, monitor or HTTP library. Readers' browsers (WeChat's
// MicroMessenger among them) name none of these.
func Bot(userAgent string) bool {
	ua := strings.ToLower(strings.TrimSpace(userAgent))
	if ua == "" {
		return true
	}
	for _, t := range botTokens {
		if strings.Contains(ua, t) {
			return true
		}
	}
	return false
}
