// The media library (媒体库): every uploaded file as a grid of thumbnails
// with a search and a type filter, paged with "more"; a file's details
// (preview, what it is, its alt text to edit, where it is used with links)
// and its deletion, allowed only when nothing uses it; uploads from here
// too, with progress, asking images for their alt text.

import { state, t, el, field, say, call, uploadMedia, page, route, navItem, when, dialog, can, errorText } from "./core.js";

// Everyone who may upload media (the media:use permission) has the library.
const mediaRoles = ["admin", "publisher", "editor", "organizer"];
navItem("/admin/media", "media.menu", mediaRoles);
route(/^\/admin\/media$/, (_, params) => library(params));

const kinds = ["image", "video", "document", "subtitles"];
const pageSize = 24;
const maxAlt = 500;

// src is an asset's address on this site (the admin page's CSP allows
// only its own origin); w picks an image rendition from the allowlist.
const src = (a, w) => "/media/" + a.id + (w ? "?w=" + w : "");

function size(bytes) {
  const fmt = (n, unit) => new Intl.NumberFormat(state.lang, { maximumFractionDigits: 1 }).format(n) + " " + unit;
  if (bytes >= 1 << 20) return fmt(bytes / (1 << 20), "MB");
  if (bytes >= 1 << 10) return fmt(bytes / (1 << 10), "KB");
  return fmt(bytes, t("media.bytes"));
}

const kindName = (k) => t("media.kind." + k);

// thumb is a grid cell's picture: an image rendition, or a sign of the
// type for what has no picture of its own.
function thumb(a) {
  if (a.kind === "image") return el("img", { src: src(a, 320), alt: a.alt || "", loading: "lazy", width: a.width || false, height: a.height || false });
  return el("span", { class: "media-icon media-icon-" + a.kind, "aria-hidden": "true" }, t("media.icon." + a.kind));
}

function card(a, open) {
  return el("li", { class: "media-item", "data-id": a.id },
    el("div", { class: "media-thumb" }, thumb(a)),
    el("p", { class: "media-name" }, a.filename),
    el("p", { class: "muted media-meta" }, kindName(a.kind), " · ", size(a.size)),
    el("button", { type: "button", class: "media-open", "aria-label": t("media.details", { name: a.filename }), on: { click: () => open(a.id) } },
      t("media.detailsShort")));
}

async function library(params) {
  const q = params.get("q") || "";
  const type = kinds.includes(params.get("type")) ? params.get("type") : "";
  await page(t("media.title"), async () => {
    const grid = el("ul", { class: "media-grid", "aria-label": t("media.gridLabel") });
    const empty = el("p", { class: "muted", hidden: true }, q || type ? t("media.noneFound") : t("media.empty"));
    const more = el("button", { type: "button", id: "media-more", hidden: true }, t("media.more"));
    const alertBox = el("p", { class: "error", role: "alert" });
    let cursor = "";
    // The assets shown, as last read or saved (a card opens the latest).
    const shown = new Map();
    const show = (a) => { shown.set(a.id, a); return card(a, open); };

    const open = (id) => details(shown.get(id), {
      changed: (b) => {
        shown.set(b.id, b);
        const img = grid.querySelector(`[data-id="${b.id}"] img`);
        if (img) img.setAttribute("alt", b.alt || "");
      },
      deleted: (b) => {
        shown.delete(b.id);
        const li = grid.querySelector(`[data-id="${b.id}"]`);
        if (li) li.remove();
        empty.hidden = grid.children.length > 0;
        document.querySelector("main h1").focus();
      },
    });

    async function load() {
      const qs = new URLSearchParams({ limit: String(pageSize) });
      if (q) qs.set("q", q);
      if (type) qs.set("type", type);
      if (cursor) qs.set("cursor", cursor);
      const r = await call("GET", "/media?" + qs);
      grid.append(...r.items.map(show));
      cursor = r.next_cursor;
      more.hidden = !cursor;
      empty.hidden = grid.children.length > 0;
    }
    more.addEventListener("click", async () => {
      more.disabled = true;
      alertBox.textContent = "";
      const first = grid.children.length;
      try {
        await load();
        const next = grid.children[first];
        if (next) next.querySelector("button").focus();
      } catch (e) { alertBox.textContent = t("error", { message: errorText(e) }); }
      more.disabled = false;
    });

    // Search and filter: the query lives in the address, so a reload or
    // the back button keeps it.
    const qIn = el("input", { id: "media-q", name: "q", type: "search", maxlength: "100", value: q, autocomplete: "off" });
    const typeIn = el("select", { id: "media-type", name: "type" },
      el("option", { value: "" }, t("media.allTypes")),
      kinds.map((k) => el("option", { value: k, selected: k === type }, kindName(k))));
    const filters = el("form", { class: "media-filters", role: "search", "aria-label": t("media.searchLabel"), on: { submit: (ev) => {
      ev.preventDefault();
      const qs = new URLSearchParams();
      if (qIn.value.trim()) qs.set("q", qIn.value.trim());
      if (typeIn.value) qs.set("type", typeIn.value);
      history.replaceState({}, "", "/admin/media" + (qs.size ? "?" + qs : ""));
      library(qs);
    } } },
      field(t("media.search"), qIn, t("media.searchHint")),
      field(t("media.type"), typeIn),
      el("div", { class: "media-filter-actions" }, el("button", { type: "submit", class: "primary" }, t("media.find")),
        q || type ? el("a", { href: "/admin/media" }, t("media.clear")) : null));

    await load();
    const uploader = uploadBox((a) => {
      if ((!type || type === a.kind) && (!q || (a.filename + "\n" + a.alt).toLowerCase().includes(q.toLowerCase()))) {
        grid.prepend(show(a));
        empty.hidden = true;
      }
    });
    return [uploader, filters, alertBox, grid, empty, el("div", { class: "media-more" }, more)];
  });
}

// uploadBox chooses files and uploads them one by one with progress;
// each image first gets its alt text (asked in a dialog).
function uploadBox(added) {
  const input = el("input", { id: "media-file", type: "file", multiple: true,
    accept: "image/jpeg,image/png,image/webp,image/gif,video/mp4,video/webm,application/pdf,.vtt,text/vtt" });
  const bar = el("progress", { id: "media-progress", max: "1", value: "0", hidden: true, "aria-label": t("media.progress") });
  const note = el("p", { class: "media-upload-note", role: "status" });
  const box = el("p", { class: "error", role: "alert" });
  // What was typed for a file whose upload failed is offered again.
  const typed = new Map();
  input.addEventListener("change", async () => {
    const files = [...input.files];
    box.textContent = "";
    for (const file of files) {
      let alt = "";
      if (file.type.startsWith("image/")) {
        alt = await askAlt(file, typed.get(file.name) || "");
        if (alt === null) { note.textContent = t("media.skipped", { name: file.name }); continue; }
        typed.set(file.name, alt);
      }
      bar.hidden = false;
      bar.value = 0;
      note.textContent = t("media.uploading", { name: file.name });
      try {
        const a = await uploadMedia(file, { alt, onProgress: (f) => { bar.value = f; } });
        typed.delete(file.name);
        note.textContent = t("media.uploaded", { name: a.filename });
        say(t("media.uploaded", { name: a.filename }));
        added(a);
      } catch (e) {
        note.textContent = "";
        box.textContent = t("media.uploadFailed", { name: file.name, message: errorText(e) }) +
          (e.status === 413 && file.type.startsWith("video/") ? " " + t("media.bigVideo") : "");
      }
      bar.hidden = true;
    }
    input.value = "";
  });
  return el("section", { class: "card media-upload", "aria-labelledby": "media-upload-h" },
    el("h2", { id: "media-upload-h" }, t("media.upload")),
    field(t("media.chooseFiles"), input, t("media.uploadHint")), bar, note, box);
}

// askAlt asks for an image's alt text; null when the upload is cancelled.
async function askAlt(file, before) {
  const input = el("input", { id: "media-new-alt", maxlength: String(maxAlt), value: before, autocomplete: "off" });
  const body = el("div", {}, el("p", {}, t("media.altFor", { name: file.name })), field(t("media.alt"), input, t("media.altHint")));
  const done = dialog(t("media.altTitle"), body, [{ label: t("media.cancel"), value: "cancel" }, { label: t("media.doUpload"), value: "ok", primary: true }]);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); input.closest("dialog").close("ok"); }
  });
  setTimeout(() => input.focus(), 0);
  return (await done) === "ok" ? input.value.trim() : null;
}

function preview(a) {
  switch (a.kind) {
    case "image": return el("img", { src: src(a, 640), alt: a.alt || "", class: "media-preview" });
    case "video": return el("video", { src: src(a), controls: true, preload: "metadata", class: "media-preview", "aria-label": a.filename });
    default: return el("p", {}, el("a", { href: src(a), target: "_blank", rel: "noopener" }, t("media.openFile", { name: a.filename })));
  }
}

function facts(a) {
  const rows = [[t("media.fileName"), a.filename], [t("media.type"), kindName(a.kind) + " (" + a.content_type + ")"], [t("media.size"), size(a.size)]];
  if (a.width && a.height) rows.push([t("media.dimensions"), a.width + " × " + a.height]);
  if (a.duration_s) rows.push([t("media.duration"), t("media.seconds", { n: Math.round(a.duration_s) })]);
  rows.push([t("media.uploadedAt"), when(a.created_at)]);
  rows.push([t("media.address"), el("code", {}, a.url)]);
  return el("dl", { class: "media-facts" }, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

const kindPath = (kind, id) => `/admin/${kind}/${id}`;

// details is a file's panel: a modal dialog over the grid.
async function details(asset, { changed, deleted }) {
  let a = asset;
  const altIn = el("input", { id: "media-alt", maxlength: String(maxAlt), value: a.alt || "", autocomplete: "off" });
  const altMsg = el("p", { class: "media-done", role: "status" });
  const altErr = el("p", { class: "error", role: "alert" });
  const save = el("button", { type: "submit", id: "media-save", class: "primary" }, t("media.saveAlt"));
  const altForm = el("form", { class: "media-alt", on: { submit: async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    altMsg.textContent = altErr.textContent = "";
    try {
      a = await call("PATCH", "/media/" + a.id, { alt: altIn.value, version: a.version });
      altIn.value = a.alt;
      altMsg.textContent = t("media.altSaved");
      changed(a);
    } catch (e) {
      // What was typed stays in the box; a conflict says what the other
      // person saved, for the editor to choose.
      if (e.status === 409) {
        try {
          const now = await call("GET", "/media/" + a.id);
          a = { ...now };
          altErr.textContent = t("media.altConflict", { alt: now.alt || t("media.noAlt") });
        } catch (e2) { altErr.textContent = t("error", { message: errorText(e2) }); }
      } else altErr.textContent = t("error", { message: errorText(e) });
    }
    save.disabled = false;
  } } }, field(t("media.alt"), altIn, t("media.altHint")), save, altMsg, altErr);

  const usesBox = el("div", { class: "media-uses" }, el("p", {}, t("loading")));
  const why = el("p", { id: "media-delete-why", class: "muted" });
  const del = el("button", { type: "button", id: "media-delete", class: "media-danger", disabled: true, "aria-describedby": "media-delete-why" },
    t("media.delete"));
  const delErr = el("p", { class: "error", role: "alert" });

  const d = el("dialog", { class: "media-detail", "aria-labelledby": "media-detail-h" },
    el("div", { class: "media-detail-head" }, el("h2", { id: "media-detail-h" }, a.filename),
      el("button", { type: "button", class: "media-close", on: { click: () => d.close() } }, t("media.close"))),
    el("div", { class: "media-detail-body" },
      el("div", { class: "media-detail-preview" }, preview(a)),
      el("div", {}, facts(a), a.kind === "image" ? altForm : null,
        el("h3", {}, t("media.usedIn")), usesBox,
        el("div", { class: "media-delete-row" }, del, why), delErr)));
  // A link to an item leaves the library: the dialog closes first.
  d.addEventListener("click", (ev) => { if (ev.target.closest && ev.target.closest("a[href^='/admin/']")) d.close(); });
  d.addEventListener("close", () => d.remove());
  document.body.append(d);
  d.showModal();

  const mine = state.user && a.created_by === state.user.id;
  try {
    const uses = (await call("GET", "/media/" + a.id + "/usage")).items;
    usesBox.replaceChildren(uses.length ? el("ul", {}, uses.map((u) => el("li", {},
      el("span", { class: "kind" }, t("kind." + u.kind)), " ", el("a", { href: kindPath(u.kind, u.id) }, u.title || t("media.untitled")),
      " ", el("span", { class: "tag status-" + u.status }, t("status." + u.status)),
      u.trashed ? el("span", { class: "tag" }, " " + t("media.trashed")) : null,
      " ", el("span", { class: "muted" }, u.roles.map((r) => t("media.role." + r)).join("、"))))) :
      el("p", { class: "muted" }, t("media.unused")));
    if (uses.length) why.textContent = t("media.cannotDeleteUsed", { n: uses.length });
    else if (!mine && !can("admin", "publisher")) why.textContent = t("media.cannotDeleteOthers");
    else { del.disabled = false; why.textContent = t("media.deleteForever"); }
  } catch (e) {
    usesBox.replaceChildren(el("p", { class: "error" }, t("error", { message: errorText(e) })));
    why.textContent = t("media.cannotDeleteUnknown");
  }
  del.addEventListener("click", async () => {
    const ok = await dialog(t("media.confirmTitle"), el("p", {}, t("media.confirmText", { name: a.filename })),
      [{ label: t("media.cancel"), value: "no" }, { label: t("media.confirmYes"), value: "yes", primary: true }]);
    if (ok !== "yes") { del.focus(); return; }
    del.disabled = true;
    delErr.textContent = "";
    try {
      await call("DELETE", "/media/" + a.id, undefined, { "If-Match": `"${a.version}"` });
      say(t("media.deleted", { name: a.filename }));
      d.close();
      deleted(a);
    } catch (e) {
      delErr.textContent = t("error", { message: errorText(e) });
      del.disabled = false;
    }
  });
}
