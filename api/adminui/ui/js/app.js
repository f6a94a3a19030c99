// The admin UI's entry: signing in and out, the dashboard and the
// editors' search; the other screens are modules that register their
// routes and menu entries (stories.js, featured.js, lectures.js, videos.js, media.js,
// administration.js, reads.js).

import { api, state, hooks, t, el, say, call, main, can, page, failed, route, navItem, dispatch, go, when, link, statusTag, problemText, readCount } from "./core.js";
import "./stories.js";
import "./featured.js";
import { toTellRow } from "./lectures.js";
import "./videos.js";
import "./pages.js";
import "./site.js";
import "./media.js";
import "./administration.js";
import "./reads.js";
import { sampleCard } from "./sample.js";

function applyStaticText() {
  document.documentElement.lang = state.lang;
  document.title = t("brand");
  for (const e of document.querySelectorAll("[data-msg]")) e.textContent = t(e.dataset.msg);
  document.getElementById("lang").value = state.lang;
}

function langKey() { return "yinling.lang." + (state.user ? state.user.username : ""); }

function chooseLang() {
  // Chinese first: English only where this user chose it (kept on the
  // server, so it follows them to every browser; before sign-in, what
  // this browser last chose).
  state.lang = (state.user && state.user.language) || localStorage.getItem(langKey()) || "zh-CN";
  if (!state.messages[state.lang]) state.lang = "zh-CN";
  applyStaticText();
}

function signInForm(message) {
  document.getElementById("signout").hidden = true;
  document.getElementById("search").hidden = true;
  document.getElementById("nav").hidden = true;
  const user = el("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const pass = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = el("p", { class: "error", role: "alert" }, message || "");
  const form = el("form", { class: "card signin", on: { submit: async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    try {
      const s = await fetch(api + "/session", { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Session": "cookie" },
        body: JSON.stringify({ username: user.value, password: pass.value }) });
      const data = await s.json();
      if (!s.ok) throw new Error(data.detail || s.statusText);
      pass.value = "";
      signedIn(data);
    } catch (e) {
      error.textContent = t("signInFailed") + "：" + problemText(e.message);
      pass.focus();
    }
  } } },
    el("h1", {}, t("signInTitle")),
    el("label", { for: "username" }, t("username")), user,
    el("label", { for: "password" }, t("password")), pass,
    error,
    el("button", { type: "submit", class: "primary" }, t("signIn")));
  main(form);
  user.focus();
}

// marked builds the nodes of a server snippet: escaped text with <mark>
// around matches. It is parsed, never set as HTML.
function marked(html) {
  const out = [];
  const parts = html.split(/(<mark>|<\/mark>)/);
  let inMark = false;
  // The server escapes with these five entities only (Go's html.EscapeString).
  const entities = { "&lt;": "<", "&gt;": ">", "&#34;": '"', "&#39;": "'", "&amp;": "&" };
  const decode = (s) => s.replace(/&lt;|&gt;|&#34;|&#39;|&amp;/g, (e) => entities[e]);
  for (const p of parts) {
    if (p === "<mark>") { inMark = true; continue; }
    if (p === "</mark>") { inMark = false; continue; }
    if (p) out.push(inMark ? el("mark", {}, decode(p)) : decode(p));
  }
  return out;
}

// kindPath is where an item of a kind is edited.
export const kindPath = (kind, id) => `/admin/${kind}/${id}`;

// searchPage is the editors' search, across kinds or within one (the
// links above the results narrow it).
async function searchPage(q, kind) {
  await page(t("searchResults", { q }), async () => {
    const r = await call("GET", "/search?q=" + encodeURIComponent(q) + "&limit=50" + (kind ? "&kind=" + kind : ""));
    const narrow = el("nav", { class: "kinds", "aria-label": t("searchKinds") }, ["", "stories", "lectures", "videos", "pages"].map((k) =>
      el("a", { href: "/admin/search?q=" + encodeURIComponent(q) + (k ? "&kind=" + k : ""), "aria-current": k === (kind || "") ? "page" : false },
        k ? t("kind." + k) : t("allKinds"))));
    return [narrow, el("p", {}, t("found", { n: r.total })),
      r.relaxed ? el("p", { class: "muted" }, t("relaxed")) : null,
      el("ol", { class: "results" }, r.items.map((h) => el("li", { class: "card" },
        el("h2", {}, el("span", { class: "kind" }, t("kind." + h.kind)), " ", link(kindPath(h.kind, h.id), marked(h.title_html)), " ",
          statusTag(h.status)),
        h.snippet_html ? el("p", {}, marked(h.snippet_html)) : null)))];
  });
}

function signedIn(session) {
  state.csrf = session.csrf_token;
  state.user = session.user;
  chooseLang();
  document.getElementById("signout").hidden = false;
  document.getElementById("search").hidden = false;
  say(t("signedInAs", { name: session.user.display_name || session.user.username }));
  return dispatch();
}

const kinds = ["stories", "lectures", "videos", "pages"];

// items lists each kind's items of a status (stories by author too: the
// store answers "my drafts" by index; the other kinds are filtered here).
async function items(status, author) {
  const lists = await Promise.all(kinds.map((k) => call("GET", `/${k}?status=${status}&limit=100` + (author && k === "stories" ? "&author=" + author : ""))
    .then((r) => r.items.map((it) => ({ ...it, kind: k }))).catch(() => [])));
  return lists.flat();
}

// sessionTime is a session's time in a dashboard list (sessions of one
// series share a title: the time tells them apart); null for other kinds.
function sessionTime(it) {
  if (it.kind !== "lectures") return null;
  return el("span", { class: "muted when" }, " " + (it.starts_at ? when(it.starts_at, { dateStyle: "medium", timeStyle: "short" }) : t("noTime")));
}

function itemRow(it, extra) {
  return el("li", {}, el("span", { class: "kind" }, t("kind." + it.kind)), " ", link(kindPath(it.kind, it.id), it.title || "—"),
    sessionTime(it), " ", statusTag(it.status), extra || null);
}

function section(id, title, rows) {
  return el("section", { class: "card", "aria-labelledby": id },
    el("h2", { id }, title, " ", el("span", { class: "count" }, String(rows.length))),
    rows.length ? el("ul", {}, rows) : el("p", { class: "muted" }, t("none")));
}

// dayKey is the Beijing calendar day of a time, as 2026-12-02.
const dayKey = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);

// weekCalendar lays what is scheduled to publish out over the next seven
// days (Beijing time), one column a day; what is overdue shows on today.
function weekCalendar(scheduled) {
  const now = Date.now();
  const days = [...Array(7)].map((_, i) => now + i * 24 * 3600 * 1000);
  const byDay = {};
  for (const it of scheduled) {
    const k = dayKey(Math.max(Date.parse(it.schedule.at), now));
    (byDay[k] = byDay[k] || []).push(it);
  }
  const head = (ms) => when(new Date(ms).toISOString(), { weekday: "short", month: "numeric", day: "numeric" });
  return el("section", { class: "card week", "aria-labelledby": "scheduled" },
    el("h2", { id: "scheduled" }, t("scheduledWeek"), " ", el("span", { class: "count" }, String(scheduled.length))),
    el("ol", { class: "week-days" }, days.map((ms, i) => {
      const list = (byDay[dayKey(ms)] || []).sort((a, b) => Date.parse(a.schedule.at) - Date.parse(b.schedule.at));
      return el("li", { class: "week-day" + (i === 0 ? " today" : "") },
        el("h3", {}, i === 0 ? t("today") + " · " : "", head(ms)),
        list.length ? el("ul", {}, list.map((it) => el("li", {},
          el("span", { class: "muted" }, when(it.schedule.at, { timeStyle: "short" })), " ",
          el("span", { class: "kind" }, t("kind." + it.kind)), " ", link(kindPath(it.kind, it.id), it.title || "—"), sessionTime(it)))) :
          el("p", { class: "muted" }, t("none")));
    })));
}

// toTellSection is the dashboard's registrants to tell (the first page):
// session, time, change, name and number, and the way to the whole list.
function toTellSection(page) {
  const items = page.items || [];
  const more = page.next_cursor ? "+" : "";
  return el("section", { class: "card", "aria-labelledby": "notices" },
    el("h2", { id: "notices" }, t("toTell"), " ", el("span", { class: "count" }, String(items.length) + more)),
    items.length ? el("ul", {}, items.map(toTellRow)) : el("p", { class: "muted" }, t("none")),
    items.length ? el("p", {}, link("/admin/lectures/notifications", t("allToTell"))) : null);
}

// mostReadSection is the dashboard's 本周最多阅读: this week's ten items
// read most (Monday to Sunday, Beijing time), with their counts.
function mostReadSection(week) {
  const items = week.items || [];
  return el("section", { class: "card", "aria-labelledby": "most-read" },
    el("h2", { id: "most-read" }, t("mostRead")),
    week.from ? el("p", { class: "muted" }, t("mostReadWeek", { from: week.from, to: week.to })) : null,
    items.length ? el("ol", { class: "most-read" }, items.map((it) => el("li", {},
      el("span", { class: "kind" }, t("kind." + it.kind)), " ", link(kindPath(it.kind, it.id), it.title || "—"), " ",
      el("span", { class: "muted" }, readCount(it.reads))))) : el("p", { class: "muted" }, t("none")),
    el("p", {}, link("/admin/reads", t("rd.more"))));
}

// backupFailedCard is the dashboard's word that the newest scheduled
// backup failed, with why and the way to the backups page.
function backupFailedCard(run) {
  return el("section", { class: "card alert", "aria-labelledby": "backup-failed", id: "backup-failing" },
    el("h2", { id: "backup-failed" }, t("backupFailed")),
    el("p", { role: "alert" }, t("backupFailedText", { at: when(run.at) })),
    el("p", { class: "muted" }, run.detail),
    el("p", {}, link("/admin/manage/backup", t("backupFailedLink"))));
}

async function dashboard() {
  await page(t("dashboard"), async () => {
    const me = state.user.id;
    const [drafts, review, scheduled, failed, waiting, notices, mostRead, sample, backups] = await Promise.all([
      items("draft", me).then((l) => l.filter((it) => it.author === me)),
      can("admin", "publisher") ? items("in_review") : Promise.resolve([]),
      items("scheduled"),
      call("GET", "/jobs?state=failed").then((r) => r.items).catch(() => []),
      call("GET", "/jobs?state=waiting_person").then((r) => r.items).catch(() => []),
      can("admin", "publisher", "organizer") ? call("GET", "/notifications?phones=whole&limit=20").then((r) => r).catch(() => ({ items: [] }))
        : Promise.resolve({ items: [] }),
      call("GET", "/reads/week").catch(() => ({ items: [] })),
      sampleCard(() => dashboard()),
      can("admin") ? call("GET", "/backups").catch(() => null) : Promise.resolve(null),
    ]);
    const week = Date.now() + 7 * 24 * 3600 * 1000;
    const soon = scheduled.filter((it) => it.schedule && Date.parse(it.schedule.at) <= week);
    const jobRow = (j) => el("li", {}, el("span", { class: "kind" }, t("channel." + j.channel)), " ", link(kindPath(j.kind || "videos", j.entry_id), j.title || j.entry_id),
      j.last_error ? el("span", { class: "muted" }, " — " + problemText(j.last_error)) : null,
      j.note ? el("span", { class: "muted" }, " — " + j.note) : null,
      can("admin", "publisher") && j.state === "failed" ? el("button", { type: "button", on: { click: async (ev) => {
        ev.target.disabled = true;
        try { await call("POST", `/jobs/${j.id}/retry`); say(t("retried")); dashboard(); }
        catch (e) { say(t("error", { message: problemText(e.message) })); ev.target.disabled = false; }
      } } }, t("retry")) : null);
    return el("div", { class: "grid" },
        backups && backups.failing ? backupFailedCard(backups.history[0]) : null,
        sample,
        section("drafts", t("myDrafts"), drafts.map((it) => itemRow(it))),
        can("admin", "publisher") ? section("review", t("toReview"), review.map((it) => itemRow(it))) : null,
        weekCalendar(soon),
        section("failed", t("failedJobs"), failed.map(jobRow)),
        section("waiting", t("waitingJobs"), waiting.map(jobRow)),
        can("admin", "publisher", "organizer") ? toTellSection(notices) : null,
        mostReadSection(mostRead));
  });
}

hooks.signIn = signInForm;
navItem("/admin", "dashboard", [], 0);
route(/^\/admin\/search$/, (_, q) => searchPage(q.get("q") || "", q.get("kind") || ""));

async function start() {
  const res = await fetch(document.body.dataset.messages);
  state.messages = await res.json();
  chooseLang();
  route(/^\/admin$/, () => dashboard());
  route(/.*/, () => dashboard()); // the last: an unknown path shows the dashboard
  document.getElementById("lang").addEventListener("change", (ev) => {
    state.lang = ev.target.value;
    localStorage.setItem(langKey(), state.lang);
    applyStaticText();
    if (state.user) {
      call("PATCH", "/profile", { language: state.lang }).then((u) => { state.user.language = u.language; })
        .catch((e) => say(t("error", { message: problemText(e.message) })));
    }
    if (state.user) dispatch(); else signInForm();
  });
  document.getElementById("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = document.getElementById("q").value.trim();
    if (q) go("/admin/search?q=" + encodeURIComponent(q));
  });
  document.getElementById("signout").addEventListener("click", async () => {
    try { await call("DELETE", "/session"); } catch (_) { /* the session may be gone already */ }
    state.user = null; state.csrf = "";
    chooseLang();
    signInForm();
  });
  try {
    await signedIn(await call("GET", "/session"));
  } catch (e) {
    if (e.status === 401 || e.status === 403) signInForm();
    else failed(e);
  }
}

start();
