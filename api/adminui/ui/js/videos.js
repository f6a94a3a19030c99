// The videos screens (短视频): the list, the editor (caption with a
// hashtag helper, the video uploaded in resumable parts, the cover from an
// image or a frame, subtitles, the channels with their checks and where
// each post stands), and the channels page with Douyin's authorisation.

import { bulkList } from "./bulk.js";
import { t, el, fill, field, call, say, page, route, navItem, onLeave, go, link, when, statusTag, dialog, can, errorText, uploadMedia, problemText, readCount } from "./core.js";
import { workflowBar } from "./workflow.js";
import { editLock } from "./editlock.js";
import { printLinks } from "./print.js";
import { bigUpload, pending, abandon } from "./bigupload.js";

const channelNames = ["douyin", "wechat_channels", "webhook"];
const statuses = ["draft", "in_review", "approved", "rejected", "scheduled", "schedule_failed", "published", "archived"];
const chars = (s) => [...(s || "")].length; // characters as the server counts them (code points)

navItem("/admin/videos", "vid.menu", ["admin", "publisher", "editor"]);
navItem("/admin/channels", "vid.ch.menu", ["admin"]);
route(/^\/admin\/videos$/, (_, q) => listPage(q));
route(/^\/admin\/videos\/([0-9a-z]+)$/, (m) => editorPage(m[1]));
route(/^\/admin\/channels$/, () => channelsPage());
route(/^\/admin\/channels\/douyin$/, (_, q) => douyinCallback(q));

// mb is a size in MB, one decimal.
export const mb = (n) => n < 1 << 20 && n > 0 ? Math.max(1, Math.round(n / 1024)) + " KB" : (n / (1 << 20)).toFixed(1) + " MB";

// clock is a duration in seconds as m:ss or h:mm:ss.
export function clock(s) {
  const total = Math.round(s || 0), h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), sec = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

const seconds = (ms) => (ms / 1000).toFixed(1);

// captionTags are the #话题 typed in a caption, each once, as the server
// reads them (videos.CaptionHashtags): # and letters, digits, marks or _,
// Chinese or ASCII; a # in a web address is not one.
export function captionTags(text) {
  const out = [];
  for (const word of String(text || "").split(/\s+/u)) {
    if (!word || word.includes("://") || word.toLowerCase().startsWith("www.")) continue;
    for (const m of word.matchAll(/#([\p{L}\p{Nd}\p{M}_]+)/gu)) if (!out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

function channelTag(ch) {
  return el("span", { class: "tag vid-state-" + ch.state }, t("channel." + ch.name) + "：" + t("vid.state." + ch.state));
}

// ---- the list ----

async function listPage(q) {
  const status = q.get("status") || "";
  await page(t("vid.title"), async () => {
    const params = new URLSearchParams({ limit: "50" });
    if (status) params.set("status", status);
    if (q.get("cursor")) params.set("cursor", q.get("cursor"));
    const r = await call("GET", "/videos?" + params);
    const sel = el("select", { id: "vid-status", on: { change: () => go("/admin/videos" + (sel.value ? "?status=" + sel.value : "")) } },
      el("option", { value: "" }, t("vid.allStatuses")),
      statuses.map((s) => el("option", { value: s, selected: s === status }, t("status." + s))));
    const more = new URLSearchParams(status ? { status } : {});
    if (r.next_cursor) more.set("cursor", r.next_cursor);
    return [
      el("div", { class: "vid-toolbar" }, field(t("vid.statusFilter"), sel),
        el("button", { type: "button", class: "primary", id: "vid-new", on: { click: createVideo } }, t("vid.new"))),
      r.items.length ? bulkList("videos", el("ul", { class: "vid-list" }, r.items.map((v) => el("li", { class: "card" },
        el("h2", {}, link("/admin/videos/" + v.id, v.title || "—"), " ", statusTag(v.status)),
        el("p", { class: "muted" }, v.video ? t("vid.facts", { duration: clock(v.duration_s), size: v.width + "×" + v.height }) : t("vid.noVideo"),
          v.updated_at ? " · " + t("vid.updated", { time: when(v.updated_at) }) : "", " · " + readCount(v.reads)),
        v.channels.length ? el("p", { class: "vid-tags" }, v.channels.map(channelTag)) : null))), r.items, (v) => v.title || "—")
        : el("p", { class: "muted" }, t("vid.empty")),
      r.next_cursor ? el("p", {}, link("/admin/videos?" + more, t("vid.more"))) : null,
    ];
  });
}

async function createVideo() {
  const title = el("input", { id: "vid-new-title", maxlength: "200", required: true, autocomplete: "off" });
  const done = dialog(t("vid.newTitle"), field(t("vid.fieldTitle"), title, t("vid.newHint")),
    [{ label: t("vid.cancel"), value: "" }, { label: t("vid.create"), value: "ok", primary: true }]);
  title.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); title.closest("dialog").close("ok"); }
  });
  if (await done !== "ok") return;
  if (!title.value.trim()) { say(t("vid.titleNeeded")); return; }
  try {
    const v = await call("POST", "/videos", { title: title.value.trim() });
    await go("/admin/videos/" + v.id);
  } catch (e) {
    say(t("error", { message: errorText(e) }));
  }
}

// ---- the editor ----

async function editorPage(id) {
  await page(t("vid.editTitle"), async (showing) => {
    const [item, checks, known] = await Promise.all([call("GET", "/videos/" + id), call("GET", "/videos/" + id + "/checks"),
      call("GET", "/videos?limit=100").then((r) => r.items.flatMap((v) => v.hashtags || [])).catch(() => [])]);
    const [video, cover, subtitles] = await Promise.all([item.video, item.cover, item.subtitles].map((m) =>
      m ? call("GET", "/media/" + m).catch(() => null) : Promise.resolve(null)));
    return showing() ? editor(item, checks, known, { video, cover, subtitles }) : undefined;
  });
}

// editor builds the video's editing screen. item is the saved entry;
// what the user types is kept in the controls (and in form) until saved.
function editor(item, checks, known, assets) {
  const form = { hashtags: [...(item.hashtags || [])], video: item.video, cover: item.cover, cover_at_ms: item.cover_at_ms || 0,
    subtitles: item.subtitles };
  let dirty = false;
  let uploading = null; // the AbortController of an upload under way
  // What is typed is also kept in this browser until it is saved, so
  // a save that cannot be made (a conflict, the network, leaving the
  // page) loses nothing: the editor offers it back when opened again.
  const draftKey = "yinling.videoDraft." + item.id;
  let draftTimer = null;
  const keepDraft = () => {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => {
      try { localStorage.setItem(draftKey, JSON.stringify({ at: new Date().toISOString(), values: values(item.version) })); } catch (_) { /* full: the page still holds it */ }
    }, 300);
  };
  const dropDraft = () => { clearTimeout(draftTimer); localStorage.removeItem(draftKey); };
  const touch = () => { dirty = true; savedAt.textContent = t("vid.unsaved"); keepDraft(); };

  // -- text: title, caption with counters, hashtags --
  const title = el("input", { id: "vid-title", autocomplete: "off", props: { value: item.title || "" }, on: { input: touch } });
  const caption = el("textarea", { id: "vid-caption", rows: "5", props: { value: item.caption || "" } });
  const captionCount = el("p", { class: "vid-count", id: "vid-caption-count", "aria-live": "polite" });
  const postedCount = el("p", { class: "vid-count", id: "vid-posted-count" });
  const suggestions = el("div", { class: "vid-suggest", id: "vid-suggest", role: "group", "aria-label": t("vid.suggestLabel"), hidden: true });
  const chips = el("ul", { class: "vid-chips", id: "vid-chips", "aria-label": t("vid.hashtagsLabel") });
  const tagCount = el("p", { class: "vid-count", id: "vid-tag-count" });
  const tagProblem = el("p", { class: "error", id: "vid-tag-problem", role: "alert" });
  const known_ = [...new Set([...(item.hashtags || []), ...known])];
  const tagList = el("datalist", { id: "vid-known-tags" }, known_.map((k) => el("option", { value: k })));
  const tagInput = el("input", { id: "vid-tag-input", list: "vid-known-tags", autocomplete: "off", maxlength: "40",
    on: { keydown: (ev) => { if (ev.key === "Enter") { ev.preventDefault(); addTag(tagInput.value) && (tagInput.value = ""); } } } });

  const limits = () => {
    const l = { caption: checks.limits.max_caption, hashtags: checks.limits.max_hashtags, hashtag: checks.limits.max_hashtag, text: 0 };
    for (const c of checks.channels) {
      if (!chosen(c.name)) continue;
      if (c.limits.max_text && (!l.text || c.limits.max_text < l.text)) l.text = c.limits.max_text;
      if (c.limits.max_hashtags && c.limits.max_hashtags < l.hashtags) l.hashtags = c.limits.max_hashtags;
      if (c.limits.max_hashtag && c.limits.max_hashtag < l.hashtag) l.hashtag = c.limits.max_hashtag;
    }
    return l;
  };
  // postedText is the caption with its hashtags as the channels get it
  // (a hashtag already in the caption is not added again).
  const postedText = () => {
    let s = caption.value.trim();
    const typed = captionTags(caption.value);
    for (const h of form.hashtags) if (!typed.includes(h)) s += (s ? " " : "") + "#" + h;
    return s;
  };
  // allTags are the hashtags the channels count: those added, and the
  // #话题 typed in the caption.
  const allTags = () => [...new Set([...form.hashtags, ...captionTags(caption.value)])];
  const counters = () => {
    const l = limits(), n = chars(caption.value.trim());
    captionCount.textContent = t("vid.captionCount", { n, max: l.caption });
    captionCount.classList.toggle("over", n > l.caption);
    const p = chars(postedText());
    postedCount.textContent = l.text ? t("vid.postedCount", { n: p, max: l.text }) : "";
    postedCount.classList.toggle("over", !!l.text && p > l.text);
    const tags = allTags(), typed = tags.length - form.hashtags.length;
    tagCount.textContent = t("vid.tagCount", { n: tags.length, max: l.hashtags, each: l.hashtag }) +
      (typed ? t("vid.tagCountTyped", { n: typed }) : "");
    tagCount.classList.toggle("over", tags.length > l.hashtags);
  };
  const renderChips = () => {
    chips.replaceChildren(...form.hashtags.map((h) => el("li", { class: "vid-chip" }, "#" + h,
      el("button", { type: "button", "aria-label": t("vid.removeTag", { tag: h }), on: { click: () => {
        form.hashtags = form.hashtags.filter((x) => x !== h);
        touch(); renderChips(); tagInput.focus();
      } } }, "×"))));
    counters();
  };
  // addTag adds a hashtag (without the #) as the server takes them; it
  // answers whether it did.
  const addTag = (raw) => {
    const tag = String(raw || "").trim().replace(/^#+/, "").trim();
    const l = limits();
    tagProblem.textContent = "";
    if (!tag) return false;
    if (/[#\s/\\?&<>"'@]/.test(tag)) { tagProblem.textContent = t("vid.tagBadChars"); return false; }
    if (chars(tag) > l.hashtag) { tagProblem.textContent = t("vid.tagTooLong", { max: l.hashtag }); return false; }
    if (form.hashtags.includes(tag)) return true;
    if (!allTags().includes(tag) && allTags().length >= l.hashtags) { tagProblem.textContent = t("vid.tagTooMany", { max: l.hashtags }); return false; }
    form.hashtags.push(tag);
    touch(); renderChips();
    return true;
  };
  // The # helper: typing #… in the caption offers the entry's and known
  // hashtags; choosing one completes it in the caption and adds it.
  const suggest = () => {
    const before = caption.value.slice(0, caption.selectionStart);
    const m = before.match(/#([^\s#]*)$/);
    const word = before.match(/\S*$/)[0];
    // A # in a web address is a fragment, not a hashtag (captionTags).
    if (!m || word.includes("://") || word.toLowerCase().startsWith("www.")) { suggestions.hidden = true; return; }
    const part = m[1];
    const pool = [...new Set([...form.hashtags, ...known_])];
    const offers = pool.filter((h) => h !== part && h.includes(part)).slice(0, 8);
    if (part && !pool.includes(part)) offers.push(part);
    if (!offers.length) { suggestions.hidden = true; return; }
    suggestions.replaceChildren(el("span", { class: "muted" }, t("vid.suggest")), ...offers.map((h) => el("button", { type: "button", class: "vid-offer",
      on: { click: () => {
        const start = caption.selectionStart - part.length - 1;
        const end = caption.selectionStart;
        caption.setRangeText("#" + h + " ", start, end, "end");
        addTag(h);
        suggestions.hidden = true;
        touch(); counters();
        caption.focus();
      } } }, "#" + h)));
    suggestions.hidden = false;
  };
  caption.addEventListener("input", () => { touch(); counters(); suggest(); });
  caption.addEventListener("click", suggest);
  caption.addEventListener("keyup", (ev) => { if (ev.key.startsWith("Arrow")) suggest(); });
  caption.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && !suggestions.hidden) { ev.preventDefault(); suggestions.hidden = true; } });

  // -- the video --
  const videoMeta = el("div", { id: "vid-meta", class: "vid-meta" });
  const showVideo = (a) => {
    assets.video = a;
    videoMeta.replaceChildren(...(a ? [el("dl", {},
      el("dt", {}, t("vid.metaFile")), el("dd", {}, a.filename || "—"),
      el("dt", {}, t("vid.metaDuration")), el("dd", { id: "vid-meta-duration" }, clock(a.duration_s)),
      el("dt", {}, t("vid.metaSize")), el("dd", { id: "vid-meta-dimensions" }, (a.width || "?") + "×" + (a.height || "?")),
      el("dt", {}, t("vid.metaBytes")), el("dd", { id: "vid-meta-bytes" }, mb(a.size)),
      el("dt", {}, t("vid.metaType")), el("dd", { id: "vid-meta-type" }, a.content_type))] : [el("p", { class: "muted" }, t("vid.noVideo"))]));
    frame.update();
  };
  const progress = el("progress", { id: "vid-progress", max: "1000", props: { value: 0 }, "aria-labelledby": "vid-progress-text" });
  const progressText = el("p", { id: "vid-progress-text", "aria-live": "polite" });
  const progressBox = el("div", { class: "vid-progress", hidden: true }, progress, progressText);
  const pauseBtn = el("button", { type: "button", id: "vid-pause", hidden: true, on: { click: () => uploading && uploading.abort() } }, t("vid.pause"));
  const fileInput = el("input", { id: "vid-file", type: "file", accept: "video/mp4,video/webm,.mp4,.webm", on: { change: () => {
    if (fileInput.files[0]) startUpload(fileInput.files[0]);
  } } });
  const pendingBox = el("div", { id: "vid-pending" });
  const showPending = async () => {
    const list = pending(item.id);
    const rows = await Promise.all(list.map(async (p) => {
      let done = 0;
      try {
        const st = await call("GET", "/media/uploads/" + p.id);
        done = st.received.reduce((n, x) => n + x.size, 0) / st.size;
      } catch (e) {
        if (e.status === 404) { localStorage.removeItem(p.key); return null; }
      }
      return el("p", { class: "vid-notice" }, t("vid.pending", { name: p.name, pct: Math.floor(done * 100) }), " ",
        el("button", { type: "button", class: "vid-abandon", on: { click: async () => {
          try { await abandon(p.id); say(t("vid.abandoned")); showPending(); } catch (e) { say(t("error", { message: errorText(e) })); }
        } } }, t("vid.abandon")));
    }));
    pendingBox.replaceChildren(...rows.filter(Boolean));
  };
  const startUpload = async (file) => {
    if (uploading) return;
    uploading = new AbortController();
    progressBox.hidden = false; pauseBtn.hidden = false; fileInput.disabled = true;
    pendingBox.replaceChildren();
    progress.value = 0;
    try {
      const asset = await bigUpload(file, { owner: item.id, signal: uploading.signal, onProgress: (phase, f) => {
        progressBox.dataset.phase = phase;
        progress.value = Math.round(f * 1000);
        progressText.textContent = phase === "hash" ? t("vid.hashing", { pct: Math.floor(f * 100) })
          : phase === "send" ? t("vid.sending", { done: mb(f * file.size), size: mb(file.size), pct: Math.floor(f * 100) })
            : t("vid.checking");
      } });
      progressBox.dataset.phase = "done";
      progressText.textContent = t("vid.uploaded", { name: asset.filename });
      form.video = asset.id;
      showVideo(asset);
      touch();
      await save();
    } catch (e) {
      progressBox.dataset.phase = "stopped";
      progressText.textContent = uploading.signal.aborted ? t("vid.paused") : t("error", { message: errorText(e) });
      showPending();
    } finally {
      uploading = null; pauseBtn.hidden = true; fileInput.disabled = false; fileInput.value = "";
    }
  };

  // -- the cover: an image, or a frame of the video --
  const coverView = el("div", { id: "vid-cover-now", class: "vid-cover-now" });
  const showCover = () => {
    const a = assets.cover;
    coverView.replaceChildren(form.cover && a ? el("figure", {}, el("img", { src: a.url, alt: a.alt || t("vid.coverImage") }),
      el("figcaption", {}, t("vid.coverIsImage", { name: a.filename }), " ",
        el("button", { type: "button", id: "vid-cover-remove", on: { click: () => { form.cover = ""; assets.cover = null; touch(); showCover(); } } }, t("vid.coverRemove"))))
      : el("p", { id: "vid-cover-frame-now" }, t("vid.coverIsFrame", { s: seconds(form.cover_at_ms) })));
  };
  const coverAlt = el("input", { id: "vid-cover-alt", maxlength: "500", autocomplete: "off" });
  const coverProblem = el("p", { class: "error", role: "alert" });
  const coverFile = el("input", { id: "vid-cover-file", type: "file", accept: "image/jpeg,image/png,image/webp", on: { change: async () => {
    const f = coverFile.files[0];
    if (!f) return;
    coverProblem.textContent = "";
    try {
      const a = await uploadMedia(f, { alt: coverAlt.value.trim() });
      form.cover = a.id; assets.cover = a;
      touch(); showCover(); say(t("vid.coverUploaded"));
    } catch (e) {
      coverProblem.textContent = t("error", { message: errorText(e) });
    } finally { coverFile.value = ""; }
  } } });
  const frame = framePicker(form, assets, () => { form.cover = ""; assets.cover = null; touch(); showCover(); });

  // -- subtitles --
  const subsView = el("p", { id: "vid-subs-now" });
  const subsProblem = el("p", { class: "error", role: "alert" });
  const showSubs = () => {
    subsView.replaceChildren(...(form.subtitles && assets.subtitles ? [t("vid.subsNow", { name: assets.subtitles.filename }), " ",
      el("button", { type: "button", on: { click: () => { form.subtitles = ""; assets.subtitles = null; touch(); showSubs(); } } }, t("vid.subsRemove"))]
      : [t("vid.subsNone")]));
  };
  const subsFile = el("input", { id: "vid-subs-file", type: "file", accept: ".vtt,text/vtt", on: { change: async () => {
    const f = subsFile.files[0];
    if (!f) return;
    subsProblem.textContent = "";
    try {
      const a = await uploadMedia(f);
      form.subtitles = a.id; assets.subtitles = a;
      touch(); showSubs(); say(t("vid.subsUploaded"));
    } catch (e) {
      subsProblem.textContent = t("error", { message: errorText(e) });
    } finally { subsFile.value = ""; }
  } } });

  // -- channels: chosen, checked, and where each post stands --
  const boxes = {};
  const chosen = (name) => boxes[name] && boxes[name].checked;
  const channelList = el("div", { id: "vid-channels" });
  const readiness = el("p", { id: "vid-ready", "aria-live": "polite" });
  const renderChannels = () => {
    const entryProblems = checks.entry.map((p) => el("li", {}, fieldLabel(p.field) + "：" + problemText(p.message)));
    readiness.replaceChildren(checks.ready ? el("span", { class: "vid-ok" }, t("vid.ready"))
      : el("span", { class: "error" }, t("vid.notReady")));
    channelList.replaceChildren(
      ...(entryProblems.length ? [el("div", { class: "vid-problems", id: "vid-entry-problems" }, el("p", {}, t("vid.entryProblems")), el("ul", {}, entryProblems))] : []),
      ...checks.channels.map((c) => channelRow(c)));
  };
  const channelRow = (c) => {
    const was = boxes[c.name];
    const box = el("input", { type: "checkbox", id: "vid-ch-" + c.name, name: "channels", value: c.name,
      props: { checked: was ? was.checked : (item.channels || []).some((x) => x.name === c.name) },
      on: { change: () => { touch(); counters(); } } });
    boxes[c.name] = box;
    const st = (item.channels || []).find((x) => x.name === c.name);
    // A channel not set up says so instead of its checks; one posted by
    // hand says who posts it and how.
    const off = c.setup === "not_set_up";
    const problems = off ? [] : c.problems;
    const verdict = off ? el("span", { class: "tag vid-setup-off" }, t("vid.setup.not_set_up"))
      : problems.length ? el("span", { class: "error" }, t("vid.chProblems", { n: problems.length }))
        : el("span", { class: "vid-ok" }, t("vid.chReady"));
    const rows = [el("div", { class: "vid-ch-head" }, box, el("label", { for: box.id }, t("channel." + c.name)), verdict,
      c.setup === "by_hand" ? el("span", { class: "tag vid-setup-hand" }, t("vid.setup.by_hand")) : null)];
    if (off) rows.push(el("p", { class: "muted vid-setup-note" }, t("vid.setupOff." + c.name)));
    if (c.setup === "by_hand") rows.push(el("p", { class: "muted vid-setup-note" }, t("vid.setupHand." + c.name)));
    if (problems.length) rows.push(el("ul", { class: "vid-problems" }, problems.map((p) => el("li", {}, fieldLabel(p.field) + "：" + problemText(p.message)))));
    if (st && st.state !== "not_sent") rows.push(jobState(st));
    return el("div", { class: "vid-channel card", "data-channel": c.name }, rows);
  };
  const jobState = (st) => {
    const parts = [el("p", { class: "vid-job" }, channelTag(st), " ", t("vid.attempts", { n: st.attempts }),
      st.last_error ? el("span", { class: "error vid-last-error" }, " " + t("vid.lastError", { error: problemText(st.last_error) })) : null,
      st.post_url ? el("span", {}, " ", el("a", { href: st.post_url, target: "_blank", rel: "noopener", class: "vid-post-url" }, t("vid.postLink"))) : null,
      st.note ? el("span", { class: "muted" }, " " + st.note) : null)];
    if (st.state === "done" && st.done_by && st.package_url) {
      parts.push(el("p", { class: "vid-done-by" }, t("vid.doneBy", { who: st.done_by, time: when(st.updated_at) })));
    }
    const mayAct = can("admin", "publisher") && st.job;
    if (mayAct && st.state === "failed") {
      parts.push(el("button", { type: "button", class: "vid-retry", on: { click: async (ev) => {
        ev.target.disabled = true;
        try { await call("POST", `/jobs/${st.job}/retry`); say(t("retried")); await refresh(); }
        catch (e) { ev.target.disabled = false; say(t("error", { message: errorText(e) })); }
      } } }, t("retry")));
    }
    // A post a person makes by hand (视频号; Douyin without its app): the
    // package, then the "posted" step.
    if (mayAct && st.package_url && st.action === "post" && st.state === "waiting_person") {
      const n = st.name;
      const url = el("input", { id: "vid-posted-url-" + n, type: "url", placeholder: t("vid.postedURLExample." + n), autocomplete: "off" });
      const note = el("input", { id: "vid-posted-note-" + n, maxlength: "200", autocomplete: "off" });
      const problem = el("p", { class: "error", role: "alert" });
      parts.push(el("p", {}, el("a", { href: st.package_url, download: "", class: "vid-button vid-package", id: "vid-package-" + n }, t("vid.package." + n)),
        " ", el("span", { class: "muted" }, t("vid.packageHint." + n))));
      parts.push(el("form", { class: "vid-done", on: { submit: async (ev) => {
        ev.preventDefault();
        problem.textContent = "";
        try {
          await call("POST", `/jobs/${st.job}/done`, { post_url: url.value.trim(), note: note.value.trim() });
          say(t("vid.markedPosted"));
          await refresh();
        } catch (e) { problem.textContent = t("error", { message: errorText(e) }); }
      } } }, field(t("vid.postedURL." + n), url, t("vid.postedURLHint." + n)), field(t("vid.postedNote"), note),
      el("button", { type: "submit", id: "vid-mark-posted-" + n, class: "vid-mark-posted" }, t("vid.markPosted")), problem));
    }
    return el("div", { class: "vid-job-box" }, parts);
  };

  // -- saving --
  const savedAt = el("span", { id: "vid-saved", class: "muted", "aria-live": "polite" });
  const saveProblem = el("div", { id: "vid-save-problem", role: "alert" });
  const values = (version) => ({ title: title.value, caption: caption.value, hashtags: form.hashtags, video: form.video || "",
    cover: form.cover || "", cover_at_ms: form.cover_at_ms, subtitles: form.subtitles || "",
    channels: channelNames.filter(chosen), version });
  const saveBtn = el("button", { type: "button", class: "primary", id: "vid-save", on: { click: () => save() } }, t("vid.save"));
  let saving = null;
  // save writes what is typed on the version it was based on; a stale
  // version keeps every value and says what to do.
  const save = async (version = item.version) => {
    if (saving) return saving;
    saveProblem.replaceChildren();
    saveBtn.disabled = true;
    saving = (async () => {
      try {
        const next = await call("PUT", "/videos/" + item.id, values(version));
        item = next;
        dirty = false;
        dropDraft();
        savedAt.textContent = t("vid.savedAt", { time: when(new Date().toISOString(), { timeStyle: "medium" }) });
        say(t("vid.saved"));
        checks = await call("GET", "/videos/" + item.id + "/checks");
        bar.update(item);
        renderChannels(); counters();
        return true;
      } catch (e) {
        if (e.status === 409 && !(e.problem && e.problem.current_version != null)) {
          saveProblem.replaceChildren(el("p", { class: "error" }, errorText(e)));
          lock.check();
        } else if (e.status === 409) conflict(e);
        else saveProblem.replaceChildren(el("p", { class: "error" }, t("vid.saveFailed", { message: errorText(e) })));
        return false;
      } finally {
        saving = null;
        saveBtn.disabled = false;
      }
    })();
    return saving;
  };
  const conflict = (e) => {
    const current = e.problem.current_version;
    saveProblem.replaceChildren(el("div", { class: "vid-conflict card" },
      el("p", { class: "error" }, t("vid.conflict", { n: current ?? "?" })),
      el("button", { type: "button", id: "vid-keep-mine", on: { click: () => save(current) } }, t("vid.keepMine")), " ",
      el("button", { type: "button", id: "vid-take-theirs", on: { click: () => { dirty = false; dropDraft(); editorPage(item.id); } } }, t("vid.takeTheirs"))));
  };
  // refresh reads the entry again after a step on its jobs (keeping
  // what is typed: only the channel states change).
  const refresh = async () => {
    const [next, c] = await Promise.all([call("GET", "/videos/" + item.id), call("GET", "/videos/" + item.id + "/checks")]);
    item = { ...item, channels: next.channels, status: next.status, version: dirty ? item.version : next.version };
    checks = c;
    renderChannels();
  };
  const bar = workflowBar("videos", item, {
    beforeStep: async () => {
      if (dirty && !(await save())) throw new Error(t("vid.saveFirst"));
      return item;
    },
    onChange: (next) => { item = { ...next }; refresh().catch(() => {}); },
  });

  onLeave(async () => {
    lock.stop();
    if (uploading) uploading.abort();
    if (dirty) await save();
    lock.release();
  });

  // A draft kept from before: offered back, never applied unasked.
  const draftBox = el("div", { id: "vid-draft" });
  let kept = null;
  try { kept = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (_) { kept = null; }
  if (kept && kept.values) {
    draftBox.replaceChildren(el("div", { class: "vid-notice", role: "status" }, t("vid.draftFound", { time: when(kept.at) }), " ",
      el("button", { type: "button", id: "vid-draft-restore", on: { click: async () => {
        const v = kept.values;
        title.value = v.title || ""; caption.value = v.caption || "";
        form.hashtags = [...(v.hashtags || [])];
        const media = async (key, id) => { if (id && (!assets[key] || assets[key].id !== id)) assets[key] = await call("GET", "/media/" + id).catch(() => null); };
        await Promise.all([media("video", v.video), media("cover", v.cover), media("subtitles", v.subtitles)]);
        Object.assign(form, { video: v.video, cover: v.cover, cover_at_ms: v.cover_at_ms || 0, subtitles: v.subtitles });
        for (const name of channelNames) if (boxes[name]) boxes[name].checked = (v.channels || []).includes(name);
        renderChips(); showCover(); showSubs(); showVideo(form.video ? assets.video : null);
        touch();
        draftBox.replaceChildren();
        say(t("vid.draftRestored"));
      } } }, t("vid.draftRestore")), " ",
      el("button", { type: "button", id: "vid-draft-drop", on: { click: () => { dropDraft(); draftBox.replaceChildren(); } } }, t("vid.draftDrop"))));
  }

  renderChannels();
  renderChips();
  showCover();
  showSubs();
  showVideo(assets.video);
  showPending();

  // The edit lock (editlock.js): held by someone else, the editor is
  // read-only until they leave or a publisher takes over.
  const root = el("div", { class: "vid-editor" });
  const unsaved = () => (dirty ? [title.value, caption.value].filter(Boolean).join("\n\n") : "");
  const lock = editLock("videos", item.id, { unsaved, readOnly: (on) => {
    for (const c of root.querySelectorAll(".card input, .card select, .card textarea, .card button")) {
      if (!c.closest(".lock-banner") && !c.closest(".workflow")) c.disabled = on;
    }
  } });
  if (!item.trashed_at) lock.take().catch(() => {});

  return fill(root,
    el("p", {}, link("/admin/videos", t("vid.back"))), lock.banner, draftBox,
    el("section", { class: "card", "aria-labelledby": "vid-h-text" }, el("h2", { id: "vid-h-text" }, t("vid.textSection")),
      field(t("vid.fieldTitle"), title),
      field(t("vid.fieldCaption"), caption, t("vid.captionHint")), suggestions, captionCount, postedCount,
      el("div", { class: "field" }, el("label", { for: "vid-tag-input" }, t("vid.fieldHashtags")),
        el("div", { class: "vid-tag-add" }, tagInput,
          el("button", { type: "button", id: "vid-tag-add", on: { click: () => { if (addTag(tagInput.value)) tagInput.value = ""; tagInput.focus(); } } }, t("vid.addTag"))),
        tagList),
      chips, tagCount, tagProblem),
    el("section", { class: "card", "aria-labelledby": "vid-h-video" }, el("h2", { id: "vid-h-video" }, t("vid.videoSection")),
      videoMeta, pendingBox,
      field(t("vid.chooseFile"), fileInput, t("vid.fileHint")), progressBox, pauseBtn),
    el("section", { class: "card", "aria-labelledby": "vid-h-cover" }, el("h2", { id: "vid-h-cover" }, t("vid.coverSection")),
      coverView, frame.node,
      el("div", { class: "vid-cover-upload" }, field(t("vid.coverAlt"), coverAlt, t("vid.coverAltHint")), field(t("vid.coverFile"), coverFile)),
      coverProblem),
    el("section", { class: "card", "aria-labelledby": "vid-h-subs" }, el("h2", { id: "vid-h-subs" }, t("vid.subsSection")),
      subsView, field(t("vid.subsFile"), subsFile, t("vid.subsHint")), subsProblem),
    printLinks("videos", item),
    el("section", { class: "card", "aria-labelledby": "vid-h-channels" }, el("h2", { id: "vid-h-channels" }, t("vid.channelsSection")),
      readiness, channelList,
      el("p", { class: "muted" }, t("vid.checksHint"), " ",
        el("button", { type: "button", id: "vid-recheck", on: { click: async () => {
          try { if (dirty) await save(); else await refresh(); say(t("vid.rechecked")); } catch (e) { say(t("error", { message: errorText(e) })); }
        } } }, t("vid.recheck")))),
    el("div", { class: "vid-savebar card" }, saveBtn, " ", savedAt, saveProblem, bar));
}

const fieldLabel = (f) => t("vid.field." + f) === "vid.field." + f ? f : t("vid.field." + f);

// framePicker is the cover from the video: a player of the video, a
// slider over its length, and "use this frame" setting cover_at_ms. The
// slider works from the asset's duration even where the browser cannot
// play the file.
function framePicker(form, assets, chose) {
  const player = el("video", { id: "vid-frame-video", preload: "metadata", muted: true, playsinline: true, controls: true,
    "aria-label": t("vid.framePlayer") });
  const range = el("input", { id: "vid-frame-range", type: "range", min: "0", step: "100", props: { value: String(form.cover_at_ms) } });
  const out = el("output", { id: "vid-frame-time", for: "vid-frame-range" });
  const note = el("p", { class: "muted", id: "vid-frame-note" });
  const use = el("button", { type: "button", id: "vid-use-frame", on: { click: () => {
    form.cover_at_ms = Number(range.value);
    chose();
    say(t("vid.frameChosen", { s: seconds(form.cover_at_ms) }));
  } } }, t("vid.useFrame"));
  const show = () => { out.textContent = t("vid.frameAt", { s: seconds(Number(range.value)) }); };
  range.addEventListener("input", () => {
    show();
    if (player.readyState >= 1) player.currentTime = Number(range.value) / 1000;
  });
  player.addEventListener("seeked", () => {
    const ms = Math.round(player.currentTime * 1000);
    if (Math.abs(ms - Number(range.value)) > 150) { range.value = String(ms); show(); }
  });
  player.addEventListener("loadedmetadata", () => { player.currentTime = Number(range.value) / 1000; });
  player.addEventListener("error", () => { note.textContent = t("vid.framePlayerFailed"); });
  const node = el("div", { class: "vid-frame" }, el("h3", {}, t("vid.frameTitle")), player,
    field(t("vid.frameSlider"), range, t("vid.frameHint")), out, note, use);
  const update = () => {
    const a = assets.video;
    node.hidden = !a;
    if (!a) return;
    const ms = Math.round((a.duration_s || 0) * 1000);
    range.max = String(ms);
    if (Number(range.value) > ms) range.value = String(ms);
    if (player.getAttribute("src") !== a.url) { note.textContent = ""; player.src = a.url; }
    show();
  };
  return { node, update };
}

// ---- the channels page (administrators) ----

async function channelsPage() {
  await page(t("vid.ch.title"), async () => {
    const c = await call("GET", "/channels");
    return [douyinCard(c.douyin), el("section", { class: "card", "aria-labelledby": "ch-wx" },
      el("h2", { id: "ch-wx" }, t("channel.wechat_channels")), el("p", {}, t("vid.ch.wechatHow"))),
    el("section", { class: "card", "aria-labelledby": "ch-hooks" }, el("h2", { id: "ch-hooks" }, t("channel.webhook")),
      c.webhooks.length ? el("ul", {}, c.webhooks.map((w) => el("li", {}, el("strong", {}, w.name), " ", el("code", {}, w.url), " ",
        el("span", { class: "muted" }, t("vid.ch.events", { events: w.events.join(", ") })))))
        : el("p", { id: "ch-hooks-state" }, el("span", { class: "tag vid-setup-off" }, t("vid.setup.not_set_up")), " ", t("vid.ch.noHooks")))];
  });
}

function douyinCard(d) {
  const rows = [el("h2", { id: "ch-douyin" }, t("channel.douyin"))];
  if (!d) {
    rows.push(el("p", { id: "ch-douyin-state" }, el("span", { class: "tag vid-setup-hand" }, t("vid.setup.by_hand")), " ", t("vid.ch.douyinOff")));
  } else {
    if (d.authorized && d.expiry) {
      const e = d.expiry;
      rows.push(el("p", { id: "ch-douyin-state" }, t("vid.ch.authorized", { id: d.open_id, time: when(e.AuthorizedAt) })),
        el("p", {}, t("vid.ch.reauthBy", { date: when(e.ReauthorizeBy, { dateStyle: "long" }), n: e.RenewalsLeft })));
      if (e.Warn) rows.push(el("p", { class: "error vid-warn", id: "ch-douyin-warn", role: "alert" }, t("vid.ch.warn", { date: when(e.ReauthorizeBy, { dateStyle: "long" }) })));
    } else {
      rows.push(el("p", { id: "ch-douyin-state", class: "error" }, t("vid.ch.notAuthorized")));
    }
    rows.push(el("p", {}, el("a", { href: d.authorize_url, class: "vid-button primary", id: "ch-douyin-authorize" },
      d.authorized ? t("vid.ch.reauthorize") : t("vid.ch.authorize"))), el("p", { class: "muted" }, t("vid.ch.authorizeHint")));
  }
  return el("section", { class: "card", "aria-labelledby": "ch-douyin" }, rows);
}

// douyinCallback is where Douyin's authorisation page sends the browser
// back (?code=): the code is exchanged once, then dropped from the
// address.
async function douyinCallback(q) {
  const code = q.get("code");
  await page(t("vid.ch.callbackTitle"), async () => {
    const back = el("p", {}, link("/admin/channels", t("vid.ch.back")));
    if (!code) {
      return [el("p", { class: "error", role: "alert" }, q.get("error_description") || q.get("error") || t("vid.ch.noCode")), back];
    }
    history.replaceState({}, "", "/admin/channels/douyin");
    try {
      const r = await call("POST", "/channels/douyin/authorize", { code, state: q.get("state") || "" });
      return [el("p", { class: "vid-ok", id: "ch-douyin-result", role: "status" }, t("vid.ch.authorizedNow", { id: r.open_id })),
        r.expiry ? el("p", {}, t("vid.ch.reauthBy", { date: when(r.expiry.ReauthorizeBy, { dateStyle: "long" }), n: r.expiry.RenewalsLeft })) : null, back];
    } catch (e) {
      if (e.status === 401) throw e;
      return [el("p", { class: "error", id: "ch-douyin-result", role: "alert" }, t("vid.ch.authorizeFailed", { message: errorText(e) })), back];
    }
  });
}

