// The admin UI's shared parts: the message catalogue, building elements
// (text only, never HTML), the admin API with the session's CSRF token,
// the router over /admin/ paths, and times in Asia/Shanghai. Every page
// module imports from here and registers its routes and menu entries.

export const api = "/api/admin/v1";

// state is the signed-in user's: the catalogue, the language, the CSRF
// token of the cookie session and the user.
export const state = { messages: {}, lang: "zh-CN", csrf: "", user: null };

// hooks are set by app.js: what to do when the session is over.
export const hooks = { signIn: () => {} };

// t is the message of key in the chosen language (zh-CN where it lacks
// one), with {name} placeholders filled from vars.
export function t(key, vars = {}) {
  const text = (state.messages[state.lang] || {})[key] ?? (state.messages["zh-CN"] || {})[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

// el builds an element; attrs set attributes ("on" adds listeners,
// "props" sets properties such as value), children are nodes or text.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    else if (k === "props") Object.assign(e, v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c != null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

// fill replaces node's children with children (nested lists flattened,
// null and false left out, text as text).
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false).map((c) => c instanceof Node ? c : String(c)));
  return node;
}

// field is a labelled control: the label names it for screen readers.
export function field(label, control, hint) {
  if (!control.id) control.id = "f-" + Math.random().toString(36).slice(2, 9);
  const hintEl = hint ? el("span", { class: "hint", id: control.id + "-hint" }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return el("div", { class: "field" }, el("label", { for: control.id }, label), control, hintEl);
}

// say puts a short message in the polite live region.
// It clears itself after a while, so it never stays over the page.
let sayTimer = 0;
export function say(text) {
  const box = document.getElementById("status");
  box.textContent = text;
  clearTimeout(sayTimer);
  sayTimer = setTimeout(() => { if (box.textContent === text) box.textContent = ""; }, 8000);
}

// APIError is a problem answer: status, detail and field errors.
export class APIError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || String(status));
    this.status = status;
    this.problem = problem || {};
  }
}

function headersFor(method, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined && !(body instanceof FormData)) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  return headers;
}

// call speaks the admin API; a problem answer throws an APIError.
export async function call(method, path, body, extra = {}) {
  const res = await fetch(api + path, { method, headers: { ...headersFor(method, body), ...extra }, credentials: "same-origin",
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

// sendAsTabGoes sends a request meant to outlive the page (on pagehide: the
// tab closed or left by a full page load), with the session's CSRF token
// as every write; its answer is nobody's.
export function sendAsTabGoes(method, path) {
  fetch(api + path, { method, keepalive: true, credentials: "same-origin", headers: headersFor(method) }).catch(() => {});
}

// send is XMLHttpRequest for bodies whose progress is shown (fetch has
// no upload progress): onProgress gets the fraction sent.
export function send(method, url, body, { onProgress, headers = {}, signal } = {}) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open(method, url);
    x.withCredentials = true;
    for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
    if (onProgress) x.upload.onprogress = (ev) => { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
    x.onload = () => {
      let data = null;
      try { data = x.responseText ? JSON.parse(x.responseText) : null; } catch (_) { data = null; }
      if (x.status >= 200 && x.status < 300) resolve({ data, xhr: x });
      else reject(new APIError(x.status, data));
    };
    x.onerror = () => reject(new APIError(0, { detail: t("networkDown") }));
    x.onabort = () => reject(new APIError(0, { detail: t("cancelled") }));
    if (signal) signal.addEventListener("abort", () => x.abort());
    x.send(body);
  });
}

// uploadMedia sends one file to POST /media (with alt text for images),
// showing its progress; it answers the asset.
export async function uploadMedia(file, { alt = "", onProgress } = {}) {
  const form = new FormData();
  // The server reads the parts in order and stores the file as it comes:
  // alt must come before it.
  if (alt) form.append("alt", alt);
  form.append("file", file, file.name || "pasted");
  const { data } = await send("POST", api + "/media", form, { onProgress, headers: headersFor("POST", form) });
  return data;
}

// errorText is a problem for people: the detail, and each field's
// message, in the user's language where the catalogue knows them.
export function errorText(e) {
  const fields = (e.problem && e.problem.errors) || [];
  return [problemText(e.message), ...fields.map((f) => (f.field ? fieldName(f.field) + t("fieldSep") : "") + problemText(f.message))]
    .filter(Boolean).join("；");
}

// fieldName is an API field's label ("speakers[0].name" is a speaker's),
// or the field itself where the catalogue has none.
export function fieldName(field) {
  const mine = state.messages[state.lang] || {};
  return mine["field." + field] ?? mine["field." + field.replace(/[[.].*$/, "")] ?? field;
}

// problemText is a message of the server (English) in the user's
// language: the catalogue holds "problem:" + the English as a template,
// {name} standing for what varies (itself translated by "word.name.*"
// where the catalogue has it; {rest} is a message of its own, translated
// in turn; a Go duration such as 20m0s is written out). A message a
// channel prefixes ("douyin: ...") is the channel's name and the rest
// translated. A message it does not hold is shown as the server wrote it.
export function problemText(message) {
  if (!message) return message;
  const mine = state.messages[state.lang] || {};
  const ch = /^(douyin|wechat_channels|webhook): (.+)$/s.exec(message);
  if (ch && mine["word.channel." + ch[1]]) return mine["word.channel." + ch[1]] + (mine.fieldSep ?? ": ") + problemText(ch[2]);
  for (const { re, names, text } of problemTemplates()) {
    const m = re.exec(message);
    if (!m) continue;
    return text.replace(/\{(\w+)\}/g, (_, k) => {
      const v = m[names.indexOf(k) + 1] ?? "";
      if (k === "rest") return problemText(v);
      return mine["word." + k + "." + v] ?? (mine["duration.m"] ? duration(v, mine) : v);
    });
  }
  return message;
}

// duration writes a Go duration (1h2m3s, 20m0s, 42.5s) in the catalogue's
// words; anything else is given back as it is.
function duration(v, mine) {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(v);
  if (!v || !m || !(m[1] || m[2] || m[3])) return v;
  const parts = [];
  if (m[1]) parts.push(mine["duration.h"].replace("{n}", m[1]));
  if (m[2] && m[2] !== "0") parts.push(mine["duration.m"].replace("{n}", m[2]));
  if (m[3] && (m[3] !== "0" || !parts.length)) parts.push(mine["duration.s"].replace("{n}", m[3]));
  return parts.join("");
}

const templates = {};
function problemTemplates() {
  if (templates[state.lang]) return templates[state.lang];
  const out = [];
  for (const [key, text] of Object.entries(state.messages[state.lang] || {})) {
    if (!key.startsWith("problem:")) continue;
    const names = [];
    const source = key.slice("problem:".length).split(/(\{\w+\})/).map((part) => {
      const name = /^\{(\w+)\}$/.exec(part);
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(name[1]);
      return "(.+?)";
    }).join("");
    out.push({ re: new RegExp("^" + source + "$"), names, text, fixed: key.replace(/\{\w+\}/g, "").length });
  }
  // The templates with the most fixed text first: "the {kind} is in the
  // trash" must not take what "the item is in the trash" says better.
  out.sort((a, b) => b.fixed - a.fixed);
  return (templates[state.lang] = out);
}

export function main(...children) {
  const m = document.getElementById("main");
  m.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
  return m;
}

// can tells whether the user holds one of roles.
export const can = (...roles) => !!state.user && state.user.roles.some((r) => roles.includes(r));

// page renders a screen: its title at once, then what build answers; a
// 401 goes back to signing in, any other failure is shown, not thrown.
// A screen whose data arrives after the user has moved on is dropped,
// never drawn over the screen now shown; build gets the test (shown) so
// that an editor can skip taking locks and leave guards for a screen
// that will not be shown.
export async function page(title, build) {
  const showing = shown();
  document.title = title + " · " + t("brand");
  main(el("h1", {}, title), el("p", {}, t("loading")));
  try {
    const nodes = await build(showing);
    if (nodes !== undefined && showing()) main(el("h1", { tabindex: "-1" }, title), nodes);
  } catch (e) {
    if (showing()) failed(e, title);
  }
}

// failed shows a failure on the page (or signs in again on 401).
export function failed(e, title) {
  if (e.status === 401) return hooks.signIn(t("sessionOver"));
  main(el("h1", {}, title || t("brand")), el("p", { class: "error", role: "alert" }, t("error", { message: errorText(e) })));
}

// The router: pages register a path pattern; links to /admin/... are
// followed without reloading. A page may set a leave guard (an editor
// saving its draft) that runs before the next page renders.
const routes = [];
const menu = [];
let leaving = null;

export function route(pattern, render) { routes.push({ pattern, render }); }

// navItem adds an entry to the main menu for the roles given (any
// signed-in user when none are).
// order places it (the dashboard 0, areas 10 and up; equal: as added).
export function navItem(path, key, roles = [], order = 50) {
  menu.push({ path, key, roles, order });
  menu.sort((a, b) => a.order - b.order);
}

export function onLeave(fn) { leaving = fn; }

// shown answers a test that stays true while the screen being drawn is
// still the one the user asked for: each navigation starts a new one.
let screen = 0;
export function shown() {
  const mine = screen;
  return () => mine === screen;
}

export async function go(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  await dispatch();
}

export async function dispatch() {
  screen++;
  if (leaving) {
    const fn = leaving;
    leaving = null;
    try { await fn(); } catch (_) { /* the guard shows its own failure */ }
  }
  const path = location.pathname.replace(/\/+$/, "") || "/admin";
  renderMenu(path);
  for (const r of routes) {
    const m = path.match(r.pattern);
    if (m) return r.render(m, new URLSearchParams(location.search));
  }
  return routes.length ? routes[routes.length - 1].render([], new URLSearchParams()) : undefined;
}

function renderMenu(path) {
  const nav = document.getElementById("nav");
  if (!state.user) return;
  nav.replaceChildren(...menu.filter((m) => !m.roles.length || can(...m.roles)).map((m) => {
    const current = m.path === "/admin" ? path === "/admin" : path === m.path || path.startsWith(m.path + "/");
    return el("a", { href: m.path, "aria-current": current ? "page" : false }, t(m.key));
  }));
  nav.hidden = false;
}

// link is an in-app link.
export const link = (path, ...children) => el("a", { href: path }, ...children);

document.addEventListener("click", (ev) => {
  const a = ev.target.closest && ev.target.closest("a[href]");
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey || a.target || a.hasAttribute("download")) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith("/admin") || url.pathname.startsWith("/admin/static/")) return;
  ev.preventDefault();
  go(url.pathname + url.search);
});
window.addEventListener("popstate", () => dispatch());

// Times are shown in Asia/Shanghai and entered there: a datetime-local
// value is read as Beijing time (UTC+8, no daylight saving).
export const zone = "Asia/Shanghai";

// readCount is an item's read count as the lists show it: 阅读 1,234.
export function readCount(n) { return t("reads", { n: Number(n || 0).toLocaleString("en-US") }); }

export function when(iso, opts = { dateStyle: "medium", timeStyle: "short" }) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(state.lang, { timeZone: zone, ...opts }).format(new Date(iso));
}

// localInput is an RFC 3339 time as a datetime-local value in Beijing time.
export function localInput(iso) {
  if (!iso) return "";
  const d = new Date(Date.parse(iso) + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 16);
}

// fromLocalInput is a datetime-local value (Beijing time, with or
// without seconds) in RFC 3339.
export function fromLocalInput(v) { return v ? (v.length === 16 ? v + ":00" : v) + "+08:00" : null; }

// statusTag is an item's workflow status as a badge.
export const statusTag = (status) => el("span", { class: "tag status-" + status }, t("status." + status));

// dialog opens a modal dialog (the native <dialog>: focus is kept in it,
// Escape closes it) and answers the value it is closed with.
export function dialog(title, body, buttons) {
  return new Promise((resolve) => {
    const d = el("dialog", { "aria-labelledby": "dialog-title" }, el("h2", { id: "dialog-title" }, title), body,
      el("div", { class: "actions" }, buttons.map((b) => el("button", { type: "button", class: b.primary ? "primary" : false,
        on: { click: () => { d.close(b.value); } } }, b.label))));
    d.addEventListener("close", () => { d.remove(); resolve(d.returnValue || null); });
    document.body.append(d);
    d.showModal();
  });
}
