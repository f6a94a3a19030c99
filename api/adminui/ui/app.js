// The admin UI: one module, no framework. It speaks only the admin API,
// with the session cookie (HttpOnly, never seen here) and the session's
// CSRF token on every write. Interface text comes from messages.json.

const api = "/api/admin/v1";
const state = { messages: {}, lang: "zh-CN", csrf: "", user: null };

function t(key, vars = {}) {
  const text = (state.messages[state.lang] || {})[key] ?? (state.messages["zh-CN"] || {})[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

// el builds an element; children are nodes or text (never HTML).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

function say(text) { document.getElementById("status").textContent = text; }

async function call(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  const res = await fetch(api + path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error((data && data.detail) || res.statusText);
    err.status = res.status;
    throw err;
  }
  return data;
}

function applyStaticText() {
  document.documentElement.lang = state.lang;
  document.title = t("brand");
  for (const e of document.querySelectorAll("[data-msg]")) e.textContent = t(e.dataset.msg);
  document.getElementById("lang").value = state.lang;
}

function langKey() { return "yinling.lang." + (state.user ? state.user.username : ""); }

function chooseLang() {
  // Chinese first: English only where this user (or, before sign-in, this
  // browser) chose it.
  state.lang = localStorage.getItem(langKey()) || "zh-CN";
  if (!state.messages[state.lang]) state.lang = "zh-CN";
  applyStaticText();
}

function main(...children) {
  const m = document.getElementById("main");
  m.replaceChildren(...children.filter((c) => c != null));
  return m;
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
      error.textContent = t("signInFailed") + "：" + e.message;
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

async function searchPage(q) {
  main(el("h1", {}, t("searchResults", { q })), el("p", {}, t("loading")));
  try {
    const r = await call("GET", "/search?q=" + encodeURIComponent(q) + "&limit=50");
    main(el("h1", {}, t("searchResults", { q })),
      el("p", {}, t("found", { n: r.total })),
      r.relaxed ? el("p", { class: "muted" }, t("relaxed")) : null,
      el("ol", { class: "results" }, r.items.map((h) => el("li", { class: "card" },
        el("h2", {}, el("span", { class: "kind" }, t("kind." + h.kind)), " ", marked(h.title_html), " ",
          el("span", { class: "tag" }, t("status." + h.status))),
        h.snippet_html ? el("p", {}, marked(h.snippet_html)) : null))));
  } catch (e) {
    if (e.status === 401) return signInForm(t("sessionOver"));
    main(el("h1", {}, t("searchResults", { q })), el("p", { class: "error", role: "alert" }, t("error", { message: e.message })));
  }
}

function signedIn(session) {
  state.csrf = session.csrf_token;
  state.user = session.user;
  chooseLang();
  document.getElementById("signout").hidden = false;
  document.getElementById("search").hidden = false;
  const nav = document.getElementById("nav");
  nav.replaceChildren(el("a", { href: "/admin/", "aria-current": "page" }, t("dashboard")));
  nav.hidden = false;
  say(t("signedInAs", { name: session.user.display_name || session.user.username }));
  dashboard();
}

const kinds = ["stories", "lectures", "videos"];
const can = (...roles) => state.user && state.user.roles.some((r) => roles.includes(r));

async function items(status) {
  const lists = await Promise.all(kinds.map((k) => call("GET", `/${k}?status=${status}&limit=100`)
    .then((r) => r.items.map((it) => ({ ...it, kind: k }))).catch(() => [])));
  return lists.flat();
}

function itemRow(it, extra) {
  return el("li", {}, el("span", { class: "kind" }, t("kind." + it.kind)), " ", it.title || "—",
    " ", el("span", { class: "tag" }, t("status." + it.status)), extra || null);
}

function section(id, title, rows) {
  return el("section", { class: "card", "aria-labelledby": id },
    el("h2", { id }, title, " ", el("span", { class: "count" }, String(rows.length))),
    rows.length ? el("ul", {}, rows) : el("p", { class: "muted" }, t("none")));
}

async function dashboard() {
  main(el("h1", {}, t("dashboard")), el("p", {}, t("loading")));
  try {
    const me = state.user.id;
    const [drafts, review, scheduled, failed, waiting, notices] = await Promise.all([
      items("draft").then((l) => l.filter((it) => it.author === me)),
      can("admin", "publisher") ? items("in_review") : Promise.resolve([]),
      items("scheduled"),
      call("GET", "/jobs?state=failed").then((r) => r.items).catch(() => []),
      call("GET", "/jobs?state=waiting_person").then((r) => r.items).catch(() => []),
      can("admin", "publisher", "organizer") ? call("GET", "/notifications").then((r) => r.items || []).catch(() => []) : Promise.resolve([]),
    ]);
    const week = Date.now() + 7 * 24 * 3600 * 1000;
    const soon = scheduled.filter((it) => it.schedule && Date.parse(it.schedule.at) <= week);
    const fmt = new Intl.DateTimeFormat(state.lang, { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" });
    const jobRow = (j) => el("li", {}, el("span", { class: "kind" }, t("channel." + j.channel)), " ", j.title || j.entry_id,
      j.last_error ? el("span", { class: "muted" }, " — " + j.last_error) : null,
      j.note ? el("span", { class: "muted" }, " — " + j.note) : null,
      can("admin", "publisher") && j.state === "failed" ? el("button", { type: "button", on: { click: async (ev) => {
        ev.target.disabled = true;
        try { await call("POST", `/jobs/${j.id}/retry`); say(t("retried")); dashboard(); }
        catch (e) { say(t("error", { message: e.message })); ev.target.disabled = false; }
      } } }, t("retry")) : null);
    main(el("h1", {}, t("dashboard")),
      el("div", { class: "grid" },
        section("drafts", t("myDrafts"), drafts.map((it) => itemRow(it))),
        can("admin", "publisher") ? section("review", t("toReview"), review.map((it) => itemRow(it))) : null,
        section("scheduled", t("scheduledWeek"), soon.map((it) => itemRow(it, el("span", { class: "muted" }, " " + fmt.format(new Date(it.schedule.at)))))),
        section("failed", t("failedJobs"), failed.map(jobRow)),
        section("waiting", t("waitingJobs"), waiting.map(jobRow)),
        can("admin", "publisher", "organizer") ? section("notices", t("toTell"), notices.map((n) => el("li", {}, n.name || n.lecture_title || n.id))) : null));
  } catch (e) {
    if (e.status === 401) return signInForm(t("sessionOver"));
    main(el("h1", {}, t("dashboard")), el("p", { class: "error", role: "alert" }, t("error", { message: e.message })));
  }
}

async function start() {
  const res = await fetch(document.body.dataset.messages);
  state.messages = await res.json();
  chooseLang();
  document.getElementById("lang").addEventListener("change", (ev) => {
    state.lang = ev.target.value;
    localStorage.setItem(langKey(), state.lang);
    applyStaticText();
    if (state.user) dashboard(); else signInForm();
  });
  document.getElementById("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = document.getElementById("q").value.trim();
    if (q) searchPage(q);
  });
  document.getElementById("signout").addEventListener("click", async () => {
    try { await call("DELETE", "/session"); } catch (_) { /* the session may be gone already */ }
    state.user = null; state.csrf = "";
    chooseLang();
    signInForm();
  });
  try {
    signedIn(await call("GET", "/session"));
  } catch (e) {
    signInForm();
  }
}

start();
