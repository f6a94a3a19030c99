// Share cards in WeChat. In WeChat's own browser, on the page of a story,
// a lecture or a video, WeChat's JS-SDK is told the page's title,
// summary and picture (its og: tags), so a link shared to a chat or to
// 朋友圈 shows them. The page's signature comes from the site
// (/api/content/v1/wechat/jssdk), never from the page itself, so pages stay
// cacheable. Anywhere else, or when anything fails, nothing happens:
// the page works without it.
(function () {
  "use strict";
  if (!/MicroMessenger/i.test(navigator.userAgent) || !window.fetch) return;
  var meta = function (p) {
    var m = document.querySelector('meta[property="' + p + '"]');
    return m ? m.getAttribute("content") || "" : "";
  };
  var page = location.href.split("#")[0];
  var share = { title: meta("og:title") || document.title, desc: meta("og:description"), link: meta("og:url") || page, imgUrl: meta("og:image") };
  fetch("/api/content/v1/wechat/jssdk?url=" + encodeURIComponent(page), { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)); })
    .then(function (cfg) {
      var s = document.createElement("script");
      s.src = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js";
      s.onload = function () {
        var wx = window.wx;
        if (!wx) return;
        wx.config({ debug: false, appId: cfg.app_id, timestamp: cfg.timestamp, nonceStr: cfg.nonce_str, signature: cfg.signature,
          jsApiList: ["updateAppMessageShareData", "updateTimelineShareData"] });
        wx.ready(function () {
          wx.updateAppMessageShareData(share);
          wx.updateTimelineShareData({ title: share.title, link: share.link, imgUrl: share.imgUrl });
        });
      };
      document.head.appendChild(s);
    })
    .catch(function () { /* the page works without a share card */ });
})();
