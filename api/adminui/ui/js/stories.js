// The stories screens: the list with its filters and title search, and
// the editor (Markdown with a toolbar, the server's live preview, images
// pasted or dropped and uploaded with their alt text, autosave, the
// version-conflict dialog, the edit lock, the workflow bar, revisions
// with a side-by-side diff and restore).
//
// Never losing text: every keystroke is kept in this browser
// (localStorage) until the server has it; the server gets it by autosave
// two seconds after typing stops; a conflict shows both texts and saves
// neither over the other.

import { bulkList } from "./bulk.js";
import { state, t, el, field, call, say, main, page, failed, shown, route, navItem, onLeave, go, link, when, statusTag,
  dialog, errorText, uploadMedia, fill } from "./core.js";
import { workflowBar } from "./workflow.js";
import { editLock } from "./editlock.js";
import { printLinks } from "./print.js";

// A kind edited with this editor: stories, and pages (pages.js), which
// have a title, a summary and a Markdown body but no column, tags or cover.
export const storiesKind = { kind: "stories", story: true, api: "/stories/", admin: "/admin/stories/",
  fields: ["title", "summary", "body", "column", "tags", "cover", "credits", "people", "seo_title", "seo_description"], title: "st.title", new: "st.new", edit: "st.edit" };

navItem("/admin/stories", "st.menu", ["admin", "publisher", "editor"], 10);
route(/^\/admin\/stories$/, (_, q) => listPage(q));
route(/^\/admin\/stories\/new$/, () => editorPage(null));
route(/^\/admin\/stories\/([0-9a-z]+)\/revisions$/, (m) => revisionsPage(m[1]));
route(/^\/admin\/stories\/([0-9a-z]+)$/, (m) => editorPage(m[1]));

const autosaveDelay = 2000;

let columnsCache = null;
async function columns() {
  if (!columnsCache) columnsCache = call("GET", "/columns").then((r) => r.items).catch((e) => { columnsCache = null; console.error(e); return []; });
  return columnsCache;
}

function columnSelect(id, value, withAny) {
  const s = el("select", { id });
  const options = (cols) => {
    fill(s, el("option", { value: "" }, withAny ? t("st.anyColumn") : t("st.noColumn")),
      cols.map((c) => el("option", { value: c.key, selected: c.key === value }, c.name)));
  };
  options([]);
  columns().then(options);
  return s;
}

// ---- the list ----

async function listPage(q) {
  const status = q.get("status") || "", column = q.get("column") || "", tag = q.get("tag") || "", text = q.get("q") || "";
  const author = q.get("author") || "", person = q.get("person") || "", credit = q.get("credit") || "";
  const cursor = q.get("cursor") || "";
  await page(t("st.title"), async () => {
    const params = new URLSearchParams();
    let rows, next = "", relaxed = false;
    if (text) {
      params.set("q", text); params.set("kind", "stories"); params.set("limit", "50");
      if (column) params.set("column", column);
      if (tag) params.set("tag", tag);
      const r = await call("GET", "/search?" + params);
      relaxed = r.relaxed;
      rows = r.items.filter((h) => !status || h.status === status)
        .map((h) => ({ id: h.id, title: h.title, status: h.status, column: h.column, tags: h.tags || [], updated_at: h.updated_at }));
    } else {
      for (const [k, v] of Object.entries({ status: status === "trash" ? "" : status, column, tag, author, person, credit, cursor })) if (v) params.set(k, v);
      if (status === "trash") params.set("trashed", "true");
      params.set("limit", "50");
      const r = await call("GET", "/stories?" + params);
      rows = r.items;
      next = r.next_cursor;
    }
    const form = el("form", { class: "filters card", role: "search", "aria-label": t("st.filters"), on: { submit: (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target), p = new URLSearchParams();
      for (const [k, v] of f) if (String(v).trim()) p.set(k, String(v).trim());
      go("/admin/stories" + (p.toString() ? "?" + p : ""));
    } } },
    field(t("st.search"), el("input", { id: "st-q", name: "q", type: "search", maxlength: "100", props: { value: text } })),
    field(t("st.status"), el("select", { id: "st-status", name: "status" }, el("option", { value: "" }, t("st.anyStatus")),
      ["draft", "in_review", "approved", "rejected", "scheduled", "published", "archived"].map((s) =>
        el("option", { value: s, selected: s === status }, t("status." + s))),
      el("option", { value: "trash", selected: status === "trash" }, t("st.trash")))),
    field(t("st.column"), (() => { const s = columnSelect("st-column", column, true); s.name = "column"; return s; })()),
    field(t("st.tag"), el("input", { id: "st-tag", name: "tag", props: { value: tag } })),
    field(t("st.author"), el("select", { id: "st-author", name: "author" }, el("option", { value: "" }, t("st.anyAuthor")),
      el("option", { value: state.user.id, selected: author === state.user.id }, t("st.mineOnly")))),
    field(t("st.person"), el("input", { id: "st-person", name: "person", maxlength: "40", props: { value: person } })),
    field(t("st.credit"), el("input", { id: "st-credit", name: "credit", maxlength: "40", props: { value: credit } })),
    el("button", { type: "submit" }, t("st.filter")));
    const names = Object.fromEntries((await columns()).map((c) => [c.key, c.name]));
    const colName = (key) => names[key] || key;
    return [
      el("p", {}, el("a", { href: "/admin/stories/new", class: "button primary" }, t("st.new"))),
      form,
      relaxed ? el("p", { class: "muted" }, t("relaxed")) : null,
      rows.length ? bulkList("stories", el("table", { class: "list" },
        el("caption", { class: "visually-hidden" }, t("st.title")),
        el("thead", {}, el("tr", {}, [t("st.colTitle"), t("st.status"), t("st.column"), t("st.tag"), t("colReads"), t("st.updated")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows.map((s) => el("tr", {},
          el("td", {}, link("/admin/stories/" + s.id, s.title || t("st.untitled"))),
          el("td", {}, statusTag(s.status)),
          el("td", {}, colName(s.column) || "—"),
          el("td", {}, (s.tags || []).join("、") || "—"),
          el("td", { class: "num" }, Number(s.reads || 0).toLocaleString("en-US")),
          el("td", {}, when(s.updated_at), s.trashed_at ? el("button", { type: "button", class: "restore", on: { click: async (ev) => {
            ev.target.disabled = true;
            try { await call("POST", `/stories/${s.id}/restore`, { version: s.version }); say(t("st.restoredFromTrash")); go("/admin/stories/" + s.id); }
            catch (e) { ev.target.disabled = false; say(t("error", { message: errorText(e) })); }
          } } }, t("st.restoreFromTrash")) : null))))), rows, (r) => r.title || t("st.untitled")) : el("p", { class: "muted" }, t("none")),
      next ? el("p", {}, link("/admin/stories?" + new URLSearchParams({ ...Object.fromEntries(params), cursor: next }), t("st.more"))) : null,
    ];
  });
}

// ---- the editor ----

// localCopies keeps an editor's text in this browser until the server
// has it, per kind (a story's key is the one it always had).
function localCopies(K) {
  const draftKey = (id) => "yinling.draft." + (state.user ? state.user.id : "") + "." + (K.story ? "" : K.kind + ".") + (id || "new");
  return {
    keepLocally(id, fields, version) {
      try { localStorage.setItem(draftKey(id), JSON.stringify({ fields, version, at: Date.now() })); } catch (_) { /* full: the server copy is the fallback */ }
    },
    localCopy(id) {
      try { return JSON.parse(localStorage.getItem(draftKey(id)) || "null"); } catch (_) { return null; }
    },
    forgetLocally(id) { localStorage.removeItem(draftKey(id)); },
  };
}

const creditRoles = ["writers", "photographers", "videographers", "editors"];
// emptyOf is a field's value when a story (or a copy kept from before
// bylines) has none.
const emptyOf = (k) => k === "tags" || k === "people" ? [] : k === "credits" ? {} : "";
const normalCredits = (c) => Object.fromEntries(creditRoles.map((r) => [r, (c || {})[r] || []]));
const normalField = (k, v) => k === "credits" ? normalCredits(v) : k === "people" ? (v || []).map((p) => ({ name: p.name, description: p.description || "" })) : v ?? emptyOf(k);
// sameFieldsOf compares two copies of a kind's fields as saved.
const sameFieldsOf = (fieldNames) => (a, b) => fieldNames.every((k) => JSON.stringify(normalField(k, a[k])) === JSON.stringify(normalField(k, b[k])));

// People are typed one a line, 姓名：简介 (the description optional).
function parsePeople(v) {
  return v.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.search(/[:：]/);
    return i < 0 ? { name: l, description: "" } : { name: l.slice(0, i).trim(), description: l.slice(i + 1).trim() };
  });
}
const peopleText = (list) => (list || []).map((p) => p.description ? p.name + "：" + p.description : p.name).join("\n");

function splitTags(v) {
  return v.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean);
}

// wrap puts before/after around the selection of a textarea (or the
// placeholder when nothing is selected) and selects the text.
function wrap(area, before, after, placeholder) {
  const { selectionStart: a, selectionEnd: b, value } = area;
  const inner = value.slice(a, b) || placeholder;
  area.setRangeText(before + inner + after, a, b, "end");
  area.setSelectionRange(a + before.length, a + before.length + inner.length);
  area.focus();
  area.dispatchEvent(new Event("input", { bubbles: true }));
}

// linePrefix puts prefix at the start of every selected line.
function linePrefix(area, prefix) {
  const { selectionStart: a, selectionEnd: b, value } = area;
  const start = value.lastIndexOf("\n", a - 1) + 1;
  const block = value.slice(start, b);
  const out = block.split("\n").map((l, i) => (typeof prefix === "function" ? prefix(i) : prefix) + l).join("\n");
  area.setRangeText(out, start, b, "select");
  area.focus();
  area.dispatchEvent(new Event("input", { bubbles: true }));
}

function insertAt(area, text) {
  const { selectionStart: a, selectionEnd: b } = area;
  area.setRangeText(text, a, b, "end");
  area.focus();
  area.dispatchEvent(new Event("input", { bubbles: true }));
}

// askAlt shows a pasted image and asks what it shows (for readers who
// cannot see it, and for read-aloud); null when the user cancels.
async function askAlt(file) {
  const url = URL.createObjectURL(file);
  const alt = el("input", { id: "st-alt", maxlength: "300", required: true });
  const v = await dialog(t("st.altTitle"), [el("img", { src: url, alt: "", class: "alt-preview" }),
    field(t("st.alt"), alt, t("st.altHint"))],
  [{ label: t("cancel"), value: "" }, { label: t("st.upload"), value: "ok", primary: true }]);
  URL.revokeObjectURL(url);
  if (v !== "ok") return null;
  return alt.value.trim() || file.name.replace(/\.[^.]+$/, "");
}

export async function editorPage(id, K = storiesKind) {
  const showing = shown();
  let item = null;
  try {
    item = id ? await call("GET", K.api + id) : null;
  } catch (e) {
    return showing() ? failed(e, t(K.edit)) : undefined;
  }
  if (!showing()) return;
  document.title = (item ? item.title : t(K.new)) + " · " + t("brand");
  const me = state.user.id;
  const fieldNames = K.fields, sameFields = sameFieldsOf(K.fields);
  const { keepLocally, localCopy, forgetLocally } = localCopies(K);
  const saved = Object.fromEntries(fieldNames.map((k) => [k, normalField(k, item ? item[k] : undefined)]));
  let version = item ? item.version : null;
  let readOnly = false;

  // Inputs.
  const title = el("input", { id: "st-title", maxlength: "200", props: { value: saved.title } });
  const summary = el("textarea", { id: "st-summary", rows: "2", maxlength: "500", props: { value: saved.summary } });
  const column = columnSelect("st-column-edit", saved.column, false);
  const tags = el("input", { id: "st-tags", props: { value: (saved.tags || []).join("、") } });
  const cover = el("input", { id: "st-cover", type: "hidden", props: { value: saved.cover || "" } });
  const coverView = el("span", { class: "cover-view" });
  // The byline (文／图／视频／编辑), the people featured, and what search
  // engines and shared links show.
  const credits = Object.fromEntries(creditRoles.map((r) => [r, el("input", { id: "st-credit-" + r, props: { value: normalCredits(saved.credits)[r].join("、") } })]));
  const people = el("textarea", { id: "st-people", rows: "3", "aria-describedby": "st-people-hint", props: { value: peopleText(saved.people) } });
  const seoTitle = el("input", { id: "st-seo-title", maxlength: "60", props: { value: saved.seo_title || "" } });
  const seoDescription = el("textarea", { id: "st-seo-description", rows: "2", maxlength: "160", props: { value: saved.seo_description || "" } });
  const body = el("textarea", { id: "st-body", rows: "22", spellcheck: "false", "aria-describedby": "st-body-hint", props: { value: saved.body } });
  const preview = el("div", { class: "preview article", id: "st-preview", "aria-live": "off" });
  const savedAt = el("span", { class: "saved-at", role: "status", "aria-live": "polite" });
  const problem = el("p", { class: "error", role: "alert" });
  const lockSlot = el("div", { class: "lock-slot" });
  let lock = null; // the edit lock, once the story exists
  const uploads = el("ul", { class: "uploads", "aria-label": t("st.uploads") });

  const current = () => ({ title: title.value.trim(), summary: summary.value.trim(), body: body.value,
    ...(K.story ? { column: column.value, tags: splitTags(tags.value), cover: cover.value,
      credits: Object.fromEntries(creditRoles.map((r) => [r, splitTags(credits[r].value)])), people: parsePeople(people.value),
      seo_title: seoTitle.value.trim(), seo_description: seoDescription.value.trim() } : {}) });
  const setFields = (f) => {
    title.value = f.title || ""; summary.value = f.summary || ""; body.value = f.body || "";
    column.value = f.column || ""; tags.value = (f.tags || []).join("、"); cover.value = f.cover || "";
    const c = normalCredits(f.credits);
    for (const r of creditRoles) credits[r].value = c[r].join("、");
    people.value = peopleText(f.people); seoTitle.value = f.seo_title || ""; seoDescription.value = f.seo_description || "";
    showCover(); renderPreview();
  };

  // Cover: an image from the library or uploaded here.
  const showCover = () => {
    fill(coverView, [cover.value ? el("img", { src: "/media/" + cover.value + "?w=320", alt: t("st.coverAlt"), class: "cover-thumb" }) : t("st.noCover"),
      cover.value ? el("button", { type: "button", on: { click: () => { cover.value = ""; showCover(); changed(); } } }, t("st.removeCover")) : null]);
  };
  const coverFile = el("input", { id: "st-cover-file", type: "file", accept: "image/jpeg,image/png,image/webp,image/gif", hidden: true, "aria-label": t("st.chooseImage"),
    on: { change: async () => {
      const f = coverFile.files[0];
      coverFile.value = "";
      if (!f) return;
      const alt = await askAlt(f);
      if (alt == null) return;
      const asset = await uploadWithProgress(f, alt);
      if (asset) { cover.value = asset.id; showCover(); changed(); }
    } } });

  // Uploads of images pasted, dropped or picked: a row with a progress
  // bar each, and a placeholder in the text replaced by the image.
  let uploadN = 0;
  async function uploadWithProgress(file, alt) {
    const bar = el("progress", { max: "100", value: "0", "aria-label": t("st.uploading", { name: file.name || "image" }) });
    const row = el("li", {}, el("span", {}, file.name || t("st.pasted")), " ", bar);
    uploads.append(row);
    try {
      const asset = await uploadMedia(file, { alt, onProgress: (f) => { bar.value = Math.round(f * 100); } });
      bar.value = 100;
      row.append(" ", t("st.uploaded"));
      setTimeout(() => row.remove(), 4000);
      return asset;
    } catch (e) {
      row.append(" ", el("span", { class: "error" }, errorText(e)));
      return null;
    }
  }
  async function insertImage(file) {
    if (readOnly) return;
    const at = body.selectionStart, end = body.selectionEnd;
    const alt = await askAlt(file);
    if (alt == null) return;
    // The image on a line of its own, where the cursor was.
    const before = body.value.slice(0, at), lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    // The marker is no image: a save or preview while it uploads must not
    // meet an image the server refuses.
    const marker = `[⏳ ${t("st.uploadingShort")} ${++uploadN}]`;
    body.setSelectionRange(at, end);
    insertAt(body, lead + marker + "\n\n");
    const asset = await uploadWithProgress(file, alt);
    // The path, not the URL: it stays right when the site's address changes.
    const text = asset ? `![${alt.replace(/[[\]]/g, "")}](${asset.path})` : "";
    body.value = body.value.replace(marker, text);
    changed();
  }
  const imageFiles = (list) => Array.from(list || []).filter((f) => f.type.startsWith("image/"));
  body.addEventListener("paste", (ev) => {
    const files = imageFiles(ev.clipboardData && ev.clipboardData.files);
    if (!files.length) return;
    ev.preventDefault();
    (async () => { for (const f of files) await insertImage(f); })();
  });
  body.addEventListener("dragover", (ev) => { if (ev.dataTransfer && Array.from(ev.dataTransfer.types).includes("Files")) ev.preventDefault(); });
  body.addEventListener("drop", (ev) => {
    const files = imageFiles(ev.dataTransfer && ev.dataTransfer.files);
    if (!files.length) return;
    ev.preventDefault();
    (async () => { for (const f of files) await insertImage(f); })();
  });
  const imageFile = el("input", { id: "st-image-file", type: "file", accept: "image/jpeg,image/png,image/webp,image/gif", hidden: true, "aria-label": t("st.chooseImage"),
    on: { change: async () => { const f = imageFile.files[0]; imageFile.value = ""; if (f) await insertImage(f); } } });

  // The toolbar.
  const tool = (key, fn, shortcut) => el("button", { type: "button", class: "tool", "aria-keyshortcuts": shortcut || false,
    title: t("st.tool." + key) + (shortcut ? " (" + shortcut + ")" : ""), on: { click: fn } }, t("st.tool." + key));
  const linkTool = async () => {
    const url = el("input", { id: "st-link-url", type: "url", placeholder: "https://" });
    const v = await dialog(t("st.linkTitle"), field(t("st.linkURL"), url), [{ label: t("cancel"), value: "" }, { label: t("st.insert"), value: "ok", primary: true }]);
    if (v === "ok" && url.value.trim()) wrap(body, "[", "](" + url.value.trim() + ")", t("st.linkText"));
  };
  const videoTool = async () => {
    const list = await call("GET", "/videos?status=published&limit=50").then((r) => r.items).catch(() => []);
    const pick = el("select", { id: "st-video-pick" }, list.map((v) => el("option", { value: v.url ? new URL(v.url, location.href).pathname : "" }, v.title)));
    const v = await dialog(t("st.videoTitle"), list.length ? field(t("st.videoPick"), pick, t("st.videoHint")) : el("p", {}, t("st.noVideos")),
      [{ label: t("cancel"), value: "" }].concat(list.length ? [{ label: t("st.insert"), value: "ok", primary: true }] : []));
    if (v !== "ok" || !pick.value) return;
    // On a paragraph of its own, where the website shows the player; as
    // the page's path, which survives a change of the site's address.
    const before = body.value.slice(0, body.selectionStart);
    const lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const name = pick.selectedOptions[0].textContent.replace(/[[\]]/g, "");
    insertAt(body, `${lead}[▶ ${t("st.videoLabel")}：${name}](${pick.value})\n\n`);
  };
  const toolbar = el("div", { class: "toolbar", role: "toolbar", "aria-label": t("st.toolbar"), "aria-controls": "st-body" },
    tool("heading", () => linePrefix(body, "## ")),
    tool("bold", () => wrap(body, "**", "**", t("st.boldText")), "Control+B"),
    tool("quote", () => linePrefix(body, "> ")),
    tool("list", () => linePrefix(body, "- ")),
    tool("numbered", () => linePrefix(body, (i) => (i + 1) + ". ")),
    tool("link", linkTool, "Control+K"),
    tool("image", () => imageFile.click()),
    tool("video", videoTool),
    tool("table", () => insertAt(body, "\n| " + t("st.tableHead") + " | " + t("st.tableHead") + " |\n| --- | --- |\n| | |\n")));
  body.addEventListener("keydown", (ev) => {
    if (!(ev.ctrlKey || ev.metaKey)) return;
    if (ev.key === "b") { ev.preventDefault(); wrap(body, "**", "**", t("st.boldText")); }
    if (ev.key === "k") { ev.preventDefault(); linkTool(); }
    if (ev.key === "s") { ev.preventDefault(); saveNow(""); }
  });

  // The live preview: the server's renderer, half a second after typing.
  let previewTimer = 0, previewSeq = 0;
  function renderPreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      const seq = ++previewSeq;
      try {
        const r = await call("POST", "/markdown", { markdown: body.value });
        if (seq !== previewSeq) return;
        // Sanitized by the server (the website's own policy); parsed
        // inert and adopted, so nothing in it runs (and the CSP forbids
        // inline script besides).
        const doc = new DOMParser().parseFromString("<!doctype html><body>" + r.html, "text/html");
        fill(preview, el("h1", {}, title.value || t("st.untitled")), ...Array.from(doc.body.childNodes).map((n) => document.adoptNode(n)));
      } catch (e) {
        if (seq === previewSeq) fill(preview, el("p", { class: "error" }, errorText(e)));
      }
    }, 500);
  }

  // Saving: autosave after typing stops; one save at a time.
  let timer = 0, saving = null, again = false;
  function changed() {
    if (readOnly) return;
    keepLocally(item && item.id, current(), version);
    savedAt.textContent = t("st.unsaved");
    clearTimeout(timer);
    timer = setTimeout(() => saveNow("autosave"), autosaveDelay);
  }
  async function saveNow(note) {
    clearTimeout(timer);
    if (readOnly) return item;
    if (saving) { again = true; await saving; return item; }
    const fields = current();
    if (item && sameFields(fields, saved) && note === "autosave") return item;
    if (!item && !fields.title && !fields.body) return item;
    saving = (async () => {
      problem.textContent = "";
      try {
        const next = item
          ? await call("PUT", K.api + item.id, { ...fields, version, note })
          : await call("POST", K.api.slice(0, -1), fields);
        const wasNew = !item;
        item = next; version = next.version;
        Object.assign(saved, fields);
        if (sameFields(current(), fields)) forgetLocally(wasNew ? null : item.id); else keepLocally(item.id, current(), version);
        if (wasNew) {
          forgetLocally(null); history.replaceState({}, "", K.admin + item.id); lockFor(item.id).take();
          // The item exists now: the screen says so, as it would reopened.
          heading.textContent = t(K.edit);
          document.title = (item.title || t("st.untitled")) + " · " + t("brand");
        }
        savedAt.textContent = t("st.savedAt", { time: when(new Date().toISOString(), { timeStyle: "medium" }) });
        bar.update(item);
        bar.hidden = false;
        revisionsLink.hidden = false;
        revisionsLink.href = `${K.admin}${item.id}/revisions`;
      } catch (e) {
        if (e.status === 409 && e.problem.current_version) await conflict(fields);
        else if (e.status === 409 || e.status === 423) {
          // Someone else holds the lock (a takeover): the banner says who
          // and keeps my text; otherwise the problem is shown here.
          problem.textContent = errorText(e);
          if (lock && await lock.check()) problem.textContent = "";
        }
        else if (e.status === 401) { keepLocally(item && item.id, fields, version); hooks401(); }
        else problem.textContent = t("st.saveFailed", { message: errorText(e) });
      }
    })();
    await saving;
    saving = null;
    if (again) { again = false; return saveNow("autosave"); }
    return item;
  }
  const hooks401 = () => { problem.textContent = t("sessionOver"); };

  // A version conflict: someone (another tab, another person after the
  // lock lapsed) saved first. Both texts are shown; keeping mine saves it
  // as a new revision on top of theirs (theirs stays in the history);
  // taking theirs keeps mine in this browser until the page is left.
  async function conflict(mine) {
    const theirs = await call("GET", K.api + item.id);
    const pane = (label, f) => el("section", { class: "conflict-side" }, el("h3", {}, label),
      el("p", {}, el("strong", {}, f.title || t("st.untitled"))),
      el("pre", { class: "conflict-text", tabindex: "0" }, f.body || ""));
    const choice = await dialog(t("st.conflictTitle"), [
      el("p", {}, t("st.conflictText", { time: when(theirs.updated_at) })),
      el("div", { class: "conflict" }, pane(t("st.theirs"), theirs), pane(t("st.mine"), mine))],
    [{ label: t("st.takeTheirs"), value: "theirs" }, { label: t("st.keepMine"), value: "mine", primary: true }]);
    if (choice === "theirs") {
      item = theirs; version = theirs.version;
      Object.assign(saved, Object.fromEntries(fieldNames.map((k) => [k, normalField(k, theirs[k])])));
      setFields(theirs);
      keepLocally("replaced." + theirs.id, mine, null);
      savedAt.textContent = t("st.tookTheirs");
      bar.update(theirs);
      return;
    }
    item = theirs; version = theirs.version;
    await new Promise((r) => setTimeout(r, 0));
    saving = null;
    await saveNow(t("st.keptMineNote"));
  }

  // The edit lock (editlock.js): held while the editor is open; held by
  // someone else, the form is read-only, with what of my text is kept.
  const keepNote = () => localCopy(item && item.id) ? t("st.keptHere") : "";
  const unsaved = () => {
    const f = current();
    return sameFields(f, saved) ? "" : [f.title, f.summary, f.body].filter(Boolean).join("\n\n");
  };
  function lockFor(id) {
    lock = editLock(K.kind, id, { readOnly: (on) => setReadOnly(on), note: keepNote, unsaved });
    fill(lockSlot, lock.banner);
    return lock;
  }
  function setReadOnly(on, why) {
    readOnly = on;
    for (const c of [title, summary, tags, body, people, seoTitle, seoDescription, ...Object.values(credits)]) c.readOnly = on;
    column.disabled = on;
    for (const b of toolbar.querySelectorAll("button")) b.disabled = on;
    if (why && lock) lock.show(el("p", {}, why));
  }

  for (const c of [title, summary, tags, body, people, seoTitle, seoDescription, ...Object.values(credits)]) c.addEventListener("input", () => { changed(); if (c === body || c === title) renderPreview(); });
  column.addEventListener("change", changed);

  const bar = workflowBar(K.kind, item || { status: "draft", author: me, version: 0 }, {
    beforeStep: async () => { const it = await saveNow(""); if (!it) throw new Error(t("st.saveFirst")); return it; },
    // A story published or scheduled without a cover is asked about
    // first: the website's lists and the cards WeChat draws for a shared
    // link show its cover.
    confirm: async (action, it) => !(K.story && (action === "publish" || action === "schedule") && !it.cover) ||
      await dialog(t("wf.noCoverTitle"), el("p", {}, t("wf.noCoverConfirm")),
        [{ label: t("wf.addCoverFirst"), value: "" }, { label: t("wf.noCoverGoOn"), value: "ok", primary: true }]) === "ok",
    // After a step the lock follows what I may do now: a submit gave it
    // back (an editor may not change an item in review: read-only).
    onChange: (next) => { item = next; version = next.version; trashButton.hidden = next.live; if (lock) lock.take().catch(() => {}); },
  });
  if (!item) bar.hidden = true;
  const revisionsLink = el("a", { href: item ? `${K.admin}${item.id}/revisions` : "#", hidden: !item, id: "st-revisions" }, t("st.revisions"));
  const fullPreview = el("button", { type: "button", id: "st-full-preview", on: { click: async () => {
    const it = await saveNow("");
    if (!it) return;
    try {
      const p = await call("POST", `${K.api}${it.id}/preview`);
      window.open(p.url, "_blank", "noopener");
    } catch (e) { problem.textContent = errorText(e); }
  } } }, t("st.fullPreview"));

  const trashButton = el("button", { type: "button", id: "st-trash", hidden: !item || item.live, on: { click: async () => {
    const v = await dialog(t("st.trashTitle"), el("p", {}, t("st.trashText")),
      [{ label: t("cancel"), value: "" }, { label: t("st.toTrash"), value: "ok", primary: true }]);
    if (v !== "ok") return;
    try {
      const it = await saveNow("");
      await call("DELETE", K.api + it.id, { version: it.version });
      forgetLocally(it.id);
      readOnly = true; // nothing more to save on leaving
      say(t("st.trashed"));
      go(K.admin.slice(0, -1));
    } catch (e) { problem.textContent = errorText(e); }
  } } }, t("st.toTrash"));

  const heading = el("h1", { tabindex: "-1" }, item ? t(K.edit) : t(K.new));
  main(
    el("p", {}, link(K.admin.slice(0, -1), "← " + t(K.title))),
    heading,
    lockSlot,
    el("div", { class: "editor-head" }, bar, el("div", { class: "save-row" },
      el("button", { type: "button", class: "primary", id: "st-save", on: { click: () => saveNow("") } }, t("st.save")),
      fullPreview, revisionsLink, trashButton, savedAt)),
    problem,
    el("div", { class: "editor" },
      el("div", { class: "editor-form" },
        field(t("st.colTitle"), title),
        field(t("st.summary"), summary, t("st.summaryHint")),
        K.story ? el("div", { class: "row" }, field(t("st.column"), column), field(t("st.tags"), tags, t("st.tagsHint"))) : null,
        K.story ? el("div", { class: "field" }, el("span", { class: "label" }, t("st.cover")), coverView,
          el("button", { type: "button", on: { click: () => coverFile.click() } }, t("st.chooseCover")), cover, coverFile) : null,
        K.story ? el("fieldset", { class: "byline" }, el("legend", {}, t("st.byline")),
          el("p", { class: "hint" }, t("st.bylineHint")),
          el("div", { class: "row" }, creditRoles.map((r) => field(t("st.credit." + r), credits[r])))) : null,
        K.story ? el("div", { class: "field" }, el("label", { for: "st-people" }, t("st.people")), people,
          el("span", { class: "hint", id: "st-people-hint" }, t("st.peopleHint"))) : null,
        K.story ? el("fieldset", { class: "seo" }, el("legend", {}, t("st.seo")),
          field(t("st.seoTitle"), seoTitle, t("st.seoTitleHint")),
          field(t("st.seoDescription"), seoDescription, t("st.seoDescriptionHint"))) : null,
        el("div", { class: "field" }, el("label", { for: "st-body" }, t("st.body")), toolbar, body,
          el("span", { class: "hint", id: "st-body-hint" }, t("st.bodyHint")), imageFile, uploads)),
      el("section", { class: "preview-pane", "aria-labelledby": "st-preview-h", tabindex: "0" }, el("h2", { id: "st-preview-h" }, t("st.preview")), preview)),
    K.story && item ? printLinks("stories", item) : null);
  showCover();
  renderPreview();

  // A copy kept in this browser that the server does not have (a crash,
  // a closed tab, a session that ended): offered back.
  const kept = localCopy(item ? item.id : null);
  if (kept && !sameFields(kept.fields, saved)) {
    const v = await dialog(t("st.restoreTitle"), el("p", {}, t("st.restoreText", { time: when(new Date(kept.at).toISOString()) })),
      [{ label: t("st.discardKept"), value: "drop" }, { label: t("st.restoreKept"), value: "use", primary: true }]);
    if (v === "use") { setFields(kept.fields); changed(); } else forgetLocally(item ? item.id : null);
  }
  if (item && item.trashed_at) {
    lockFor(item.id);
    setReadOnly(true);
    lock.show(el("p", {}, t("st.inTrash")), el("button", { type: "button", class: "primary", on: { click: async () => {
      try { await call("POST", `${K.api}${item.id}/restore`, { version: item.version }); say(t("st.restoredFromTrash")); dispatchAgain(); }
      catch (e) { problem.textContent = errorText(e); }
    } } }, t("st.restoreFromTrash")));
  } else if (item) await lockFor(item.id).take();

  const leave = async () => {
    if (lock) lock.stop();
    clearTimeout(timer);
    window.removeEventListener("beforeunload", unload);
    if (!readOnly) await saveNow("autosave");
    if (lock) lock.release();
  };
  const unload = (ev) => {
    if (!readOnly && !sameFields(current(), saved)) {
      keepLocally(item && item.id, current(), version);
      ev.preventDefault();
    }
  };
  window.addEventListener("beforeunload", unload);
  onLeave(leave);
  title.focus();
}

// dispatchAgain renders the current path afresh.
const dispatchAgain = () => go(location.pathname, { replace: true });

// ---- revisions ----

export async function revisionsPage(id, K = storiesKind) {
  const showing = shown();
  const item = await call("GET", K.api + id).catch((e) => { if (showing()) failed(e); return null; });
  if (!item || !showing()) return;
  await page(t("st.revisionsOf", { title: item.title || t("st.untitled") }), async () => {
    const revs = (await call("GET", `${K.api}${id}/revisions`)).items;
    const diffBox = el("div", { class: "diff", id: "st-diff", "aria-live": "polite" });
    const pick = (name, n) => el("select", { id: "rev-" + name, name }, revs.map((r) => el("option", { value: r.number, selected: r.number === n },
      t("st.revisionN", { n: r.number }) + " · " + when(r.at) + " · " + (r.author_name || "") + (r.note ? " · " + noteText(r.note) : ""))));
    const from = pick("from", revs[1] ? revs[1].number : revs[0].number), to = pick("to", revs[0].number);
    const show = async () => {
      const a = Number(from.value), b = Number(to.value);
      if (a === b) { fill(diffBox, el("p", { class: "muted" }, t("st.sameRevision"))); return; }
      const c = await call("GET", `${K.api}${id}/revisions/compare?from=${Math.min(a, b)}&to=${Math.max(a, b)}`);
      fill(diffBox, sideBySide(c));
    };
    from.addEventListener("change", show); to.addEventListener("change", show);
    const restore = async (r) => {
      const v = await dialog(t("st.restoreRevTitle", { n: r.number }), el("p", {}, t("st.restoreRevText")),
        [{ label: t("cancel"), value: "" }, { label: t("st.restoreRev"), value: "ok", primary: true }]);
      if (v !== "ok") return;
      try {
        const cur = await call("GET", K.api + id);
        await call("POST", `${K.api}${id}/revisions/${r.number}/restore`, { version: cur.version });
        say(t("st.restored", { n: r.number }));
        go(K.admin + id);
      } catch (e) { say(t("error", { message: errorText(e) })); }
    };
    setTimeout(show, 0);
    return [
      el("p", {}, link(K.admin + id, "← " + t("st.backToEditor"))),
      el("div", { class: "row filters" }, field(t("st.from"), from), field(t("st.to"), to)),
      diffBox,
      el("h2", {}, t("st.allRevisions")),
      el("ul", { class: "revisions" }, revs.map((r) => el("li", {},
        el("strong", {}, t("st.revisionN", { n: r.number })), " ", when(r.at), " · ", r.author_name || "",
        r.note ? el("span", { class: "muted" }, " · " + noteText(r.note)) : null,
        r.published ? el("span", { class: "tag" }, t("st.wasPublished")) : null,
        r.number !== item.revision ? el("button", { type: "button", on: { click: () => restore(r) } }, t("st.restoreRev")) : el("span", { class: "tag" }, t("st.currentRev"))))),
    ];
  });
}

const noteText = (n) => n === "autosave" ? t("st.autosaved") : n === "created" ? t("st.created") : n;

// fieldValue is a compared field's value as an editor reads it: the
// comparison gives strings as they are and anything else as JSON, which
// is shown as words: a list joined by 、, a byline as 文／张三　图／李四,
// a person as 陈老师（西迁老人）, another object by its values.
function fieldValue(text) {
  if (!text || !/^[[{]/.test(text)) return text;
  let v;
  try { v = JSON.parse(text); } catch (_) { return text; }
  const words = (x) => {
    if (x === null || x === undefined) return "";
    if (Array.isArray(x)) return x.map(words).filter(Boolean).join("、");
    if (typeof x !== "object") return String(x);
    if ("name" in x) return x.name + (x.description || x.title ? "（" + (x.description || x.title) + "）" : "");
    const credited = Object.keys(x).filter((k) => t("st.credit." + k) !== "st.credit." + k);
    if (credited.length === Object.keys(x).length) {
      return credited.filter((k) => (x[k] || []).length).map((k) => t("st.credit." + k) + "／" + x[k].join("、")).join("　");
    }
    return Object.values(x).map(words).filter(Boolean).join(" ");
  };
  return words(v);
}

// sideBySide lays a comparison out in two columns: the older revision on
// the left, the newer on the right, removed and added lines marked (by
// colour and by a sign, for those who do not see the colour).
function sideBySide(c) {
  const rows = [];
  const lines = c.body || [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.op === " ") { rows.push([l.text, " ", l.text, " "]); continue; }
    if (l.op === "-" && lines[i + 1] && lines[i + 1].op === "+") { rows.push([l.text, "-", lines[i + 1].text, "+"]); i++; continue; }
    if (l.op === "-") rows.push([l.text, "-", "", ""]);
    else rows.push(["", "", l.text, "+"]);
  }
  const cell = (text, op) => el("td", { class: op === "-" ? "del" : op === "+" ? "ins" : false },
    op === "-" || op === "+" ? el("span", { class: "sign", "aria-label": op === "-" ? t("st.removed") : t("st.added") }, op + " ") : null, text);
  return [
    (c.fields || []).filter((f) => f.field !== "body").length ? el("ul", { class: "field-changes" }, c.fields.filter((f) => f.field !== "body").map((f) =>
      el("li", {}, el("strong", {}, t("st.field." + f.field)), "：", el("del", {}, fieldValue(f.from) || "—"), " → ", el("ins", {}, fieldValue(f.to) || "—")))) : null,
    el("table", { class: "side-by-side" },
      el("caption", {}, t("st.compareCaption", { a: c.from.number, b: c.to.number })),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("st.revisionN", { n: c.from.number })), el("th", { scope: "col" }, t("st.revisionN", { n: c.to.number })))),
      el("tbody", {}, rows.map(([a, oa, b, ob]) => el("tr", {}, cell(a, oa), cell(b, ob))))),
  ];
}

