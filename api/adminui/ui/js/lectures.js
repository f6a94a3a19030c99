// The lectures screens: the sessions (a list with filters; the editor
// with its workflow bar and the event changes, previewed before they
// reach registrants and calendars), the series, the recurrence generator,
// and a session's registrations with the registrants still to be told.

import { bulkList } from "./bulk.js";
import { state, t, el, fill, field, say, call, page, problemText, route, navItem, onLeave, go, link, when, localInput, fromLocalInput,
  statusTag, dialog, can, errorText, readCount } from "./core.js";
import { workflowBar } from "./workflow.js";
import { editLock } from "./editlock.js";
import { printLinks } from "./print.js";

const organizers = ["admin", "publisher", "organizer"];
navItem("/admin/lectures", "lec.menu", organizers, 20);

const statuses = ["draft", "in_review", "approved", "rejected", "scheduled", "schedule_failed", "published", "archived"];
const eventStatuses = ["scheduled", "postponed", "rescheduled", "cancelled", "moved_online"];
const weekdays = [1, 2, 3, 4, 5, 6, 7];

// eventTag is a session's state as an event, as a badge.
const eventTag = (s) => el("span", { class: "tag lec-event lec-event-" + s }, t("lec.event." + s));

const input = (attrs = {}) => el("input", attrs);
const textarea = (attrs = {}, value = "") => el("textarea", { rows: "4", ...attrs, props: { value } });

function select(options, value, attrs = {}) {
  const s = el("select", attrs, options.map(([v, label]) => el("option", { value: v }, label)));
  s.value = value ?? "";
  return s;
}

// dateOnly is an RFC 3339 time's day in Beijing time (2026-12-30).
const dateOnly = (iso) => (iso ? localInput(iso).slice(0, 10) : "");

// span is a session's time in words: 2026年12月9日 15:00–16:30.
function span(starts, ends) {
  if (!starts) return t("lec.noTime");
  const endText = ends ? "–" + when(ends, { timeStyle: "short" }) : "";
  return when(starts, { dateStyle: "full", timeStyle: "short" }) + endText;
}

// fieldNames names the API's fields in the people's words, for problems.
function fieldName(f) {
  const m = f.match(/^speakers\[(\d+)\]\.(\w+)$/);
  if (m) return t("lec.speakerN", { n: Number(m[1]) + 1 }) + " · " + t("lec.f.speaker." + m[2]);
  const key = "lec.f." + f;
  const name = t(key);
  return name === key ? f : name;
}

// problem is a failure for people: the detail and each field's message,
// named as the form names it.
function problem(e) {
  if (e.status === 409 && e.problem && e.problem.current_version != null) return t("lec.stale");
  const fields = (e.problem && e.problem.errors) || [];
  if (!fields.length) return t("error", { message: errorText(e) });
  return t("lec.fieldErrors") + " " + fields.map((f) => fieldName(f.field) + "：" + problemText(f.message)).join("；");
}

// A control marked invalid is unmarked as soon as it is changed.
document.addEventListener("input", (ev) => {
  if (ev.target.closest && ev.target.closest(".lec")) ev.target.removeAttribute("aria-invalid");
});

// mark sets aria-invalid on the controls the problem names.
function mark(form, e) {
  for (const c of form.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
  for (const f of (e.problem && e.problem.errors) || []) {
    const c = form.querySelector(`[data-field="${CSS.escape(f.field)}"]`);
    if (c) c.setAttribute("aria-invalid", "true");
  }
}

async function allSeries() {
  return (await call("GET", "/series")).items || [];
}

// everything reads every page of a list whose cursor is the "after" of
// the next request.
async function everything(path, after = "after") {
  const items = [];
  let cursor = "";
  for (let i = 0; i < 100; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const r = await call("GET", path + sep + "limit=100" + (cursor ? "&" + after + "=" + encodeURIComponent(cursor) : ""));
    items.push(...(r.items || []));
    if (!r.next_cursor) break;
    cursor = r.next_cursor;
  }
  return items;
}

function toolbar() {
  return el("p", { class: "lec-actions" },
    link("/admin/lectures/new", t("lec.new")), link("/admin/lectures/generate", t("lec.generate")),
    link("/admin/lectures/series", t("lec.seriesAdmin")), link("/admin/lectures", t("lec.all")),
    link("/admin/lectures/notifications", t("lec.toTell")));
}

// ---- The list of sessions ----

async function listPage(q) {
  await page(t("lec.title"), async () => {
    const series = await allSeries();
    const names = Object.fromEntries(series.map((s) => [s.slug, s.name]));
    const range = q.get("when") || (q.get("from") || q.get("to") ? "range" : "all");
    const params = new URLSearchParams();
    if (q.get("series")) params.set("series", q.get("series"));
    if (q.get("status")) params.set("status", q.get("status"));
    if (range === "upcoming") params.set("upcoming", "true");
    if (range === "range" && q.get("from")) params.set("from", q.get("from"));
    if (range === "range" && q.get("to")) params.set("to", q.get("to"));
    if (q.get("cursor")) params.set("cursor", q.get("cursor"));
    params.set("limit", "50");
    const r = await call("GET", "/lectures?" + params);
    const items = r.items || [];
    if (range !== "all") items.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));

    const seriesSel = select([["", t("lec.anySeries")], ...series.map((s) => [s.slug, s.name])], q.get("series"), { name: "series" });
    const statusSel = select([["", t("lec.anyStatus")], ...statuses.map((s) => [s, t("status." + s)])], q.get("status"), { name: "status" });
    const whenSel = select([["all", t("lec.when.all")], ["upcoming", t("lec.when.upcoming")], ["range", t("lec.when.range")]], range, { name: "when" });
    const from = input({ type: "date", name: "from", props: { value: q.get("from") || "" } });
    const to = input({ type: "date", name: "to", props: { value: q.get("to") || "" } });
    const dates = el("div", { class: "lec-dates", hidden: range !== "range" }, field(t("lec.from"), from), field(t("lec.to"), to));
    whenSel.addEventListener("change", () => { dates.hidden = whenSel.value !== "range"; });
    const filters = el("form", { class: "card lec-filters", role: "search", "aria-label": t("lec.filters"), on: { submit: (ev) => {
      ev.preventDefault();
      const p = new URLSearchParams();
      if (seriesSel.value) p.set("series", seriesSel.value);
      if (statusSel.value) p.set("status", statusSel.value);
      if (whenSel.value !== "all") p.set("when", whenSel.value);
      if (whenSel.value === "range") {
        if (from.value) p.set("from", from.value);
        if (to.value) p.set("to", to.value);
      }
      go("/admin/lectures" + (p.size ? "?" + p : ""));
    } } },
      field(t("lec.f.series"), seriesSel), field(t("lec.status"), statusSel), field(t("lec.when"), whenSel), dates,
      el("div", { class: "lec-filter-go" }, el("button", { type: "submit", class: "primary" }, t("lec.apply"))));

    const rows = items.map((it) => el("li", { class: "card lec-item" },
      el("h2", {}, link("/admin/lectures/" + it.id, it.title || t("lec.untitled"))),
      el("p", { class: "lec-meta" }, statusTag(it.status), " ", eventTag(it.event_status), " ",
        el("span", {}, span(it.starts_at, it.ends_at)),
        it.series ? el("span", { class: "muted" }, " · " + (names[it.series] || it.series)) : null,
        el("span", { class: "muted" }, " · " + readCount(it.reads))),
      it.registration && it.registration.mode === "internal"
        ? el("p", {}, link("/admin/lectures/" + it.id + "/registrations", t("lec.registrations"))) : null));
    const next = new URLSearchParams(q);
    next.set("cursor", r.next_cursor || "");
    return el("div", { class: "lec" }, toolbar(), filters,
      el("p", { class: "muted", role: "status" }, t("lec.shown", { n: items.length })),
      rows.length ? bulkList("lectures", el("ul", { class: "lec-items" }, rows), items,
        (it) => (it.title || t("lec.untitled")) + " · " + span(it.starts_at, it.ends_at)) : el("p", {}, t("lec.noneFound")),
      r.next_cursor ? el("p", {}, link("/admin/lectures?" + next, t("lec.nextPage"))) : null);
  });
}

// ---- Series ----

async function seriesPage(q) {
  await page(t("lec.seriesAdmin"), async () => {
    const series = await allSeries();
    const users = can("admin") ? await call("GET", "/users").then((r) => r.items || []).catch(() => null) : null;
    const editing = series.find((s) => s.id === q.get("edit"));
    const list = series.length ? el("ul", { class: "lec-items" }, series.map((s) => el("li", { class: "card lec-item" },
      el("h2", {}, s.name, " ", el("span", { class: "muted" }, s.slug)),
      venueText(s.venue) ? el("p", {}, t("lec.defaultVenue"), venueText(s.venue)) : null,
      el("p", { class: "lec-links" }, link("/admin/lectures?series=" + encodeURIComponent(s.slug), t("lec.seriesSessions")),
        link("/admin/lectures/series?edit=" + s.id, t("lec.edit"), el("span", { class: "visually-hidden" }, " " + s.name))))))
      : el("p", {}, t("lec.noSeries"));
    return el("div", { class: "lec" }, toolbar(), el("div", { class: "lec-columns" },
      el("section", { "aria-labelledby": "lec-series-list" }, el("h2", { id: "lec-series-list" }, t("lec.seriesList")), list),
      seriesForm(editing, users)));
  });
}

function venueText(v) {
  return v ? [v.campus, v.building, v.room, v.address].filter(Boolean).join(" ") : "";
}

function venueFields(v = {}) {
  const parts = ["campus", "building", "room", "address"].map((k) => [k, input({ "data-field": "venue." + k, maxlength: "100",
    props: { value: v[k] || "" } })]);
  return {
    node: el("fieldset", { class: "lec-venue" }, el("legend", {}, t("lec.f.venue")),
      parts.map(([k, c]) => field(t("lec.f.venue." + k), c))),
    read: () => Object.fromEntries(parts.map(([k, c]) => [k, c.value.trim()])),
  };
}

function seriesForm(s, users) {
  const me = state.user.id;
  const name = input({ required: true, maxlength: "80", "data-field": "name", props: { value: s ? s.name : "" } });
  const slug = input({ maxlength: "80", "data-field": "slug", pattern: "[a-z0-9]+(-[a-z0-9]+)*", props: { value: s ? s.slug : "" },
    disabled: !!s });
  const description = textarea({ "data-field": "description", rows: "5" }, s ? s.description : "");
  const venue = venueFields(s ? s.venue : {});
  const online = input({ type: "url", "data-field": "online_url", props: { value: s ? s.online_url : "" } });
  const current = s ? s.organizers || [] : [me];
  let orgControl, readOrganizers;
  const eligible = (users || []).filter((u) => !u.disabled && u.roles.some((r) => organizers.includes(r)));
  if (users && eligible.length) {
    const boxes = eligible.map((u) => [u.id, input({ type: "checkbox", id: "lec-org-" + u.id, props: { checked: current.includes(u.id) } })]);
    orgControl = el("fieldset", { "data-field": "organizers" }, el("legend", {}, t("lec.f.organizers")),
      boxes.map(([id, box]) => el("div", { class: "lec-check" }, box,
        el("label", { for: box.id }, eligible.find((u) => u.id === id).display_name || eligible.find((u) => u.id === id).username))),
      el("p", { class: "hint" }, t("lec.organizersHint")));
    readOrganizers = () => boxes.filter(([, b]) => b.checked).map(([id]) => id);
  } else {
    const mine = input({ type: "checkbox", id: "lec-org-me", props: { checked: current.includes(me) } });
    const others = current.filter((id) => id !== me);
    orgControl = el("fieldset", { "data-field": "organizers" }, el("legend", {}, t("lec.f.organizers")),
      el("div", { class: "lec-check" }, mine, el("label", { for: "lec-org-me" }, t("lec.organizerMe"))),
      others.length ? el("p", { class: "muted" }, t("lec.otherOrganizers", { n: others.length })) : null,
      el("p", { class: "hint" }, t("lec.organizersHint")));
    readOrganizers = () => (mine.checked ? [me, ...others] : others);
  }
  const error = el("p", { class: "error", role: "alert" });
  let version = s ? s.version : null;
  const form = el("form", { class: "card lec-form", "aria-labelledby": "lec-series-form", on: { submit: async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const body = { name: name.value, description: description.value, organizers: readOrganizers(), venue: venue.read(),
      online_url: online.value.trim(), cover: s ? s.cover : "" };
    try {
      let saved;
      if (s) saved = await call("PUT", "/series/" + s.id, { ...body, version });
      else saved = await call("POST", "/series", { ...body, slug: slug.value.trim() });
      say(t("lec.seriesSaved", { name: saved.name }));
      go("/admin/lectures/series", { replace: true });
    } catch (e) {
      mark(form, e);
      error.textContent = problem(e);
      if (e.status === 409 && e.problem.current_version != null) {
        error.append(" ", el("button", { type: "button", on: { click: () => { version = e.problem.current_version; form.requestSubmit(); } } },
          t("lec.keepMine")));
      }
    }
  } } },
    el("h2", { id: "lec-series-form" }, s ? t("lec.editSeries", { name: s.name }) : t("lec.newSeries")),
    field(t("lec.f.name"), name), field(t("lec.f.slug"), slug, s ? t("lec.slugFixed") : t("lec.slugHint")),
    field(t("lec.f.description"), description, t("lec.markdownHint")), orgControl, venue.node,
    field(t("lec.f.online_url"), online, t("lec.seriesDefaultsHint")), error,
    el("div", { class: "lec-buttons" }, el("button", { type: "submit", class: "primary" }, s ? t("lec.save") : t("lec.createSeries")),
      s ? link("/admin/lectures/series", t("lec.newSeries")) : null));
  return form;
}

// ---- The editor ----

function speakerRows(list) {
  const box = el("div", { class: "lec-speakers" });
  const rows = [];
  const number = () => rows.forEach((r, i) => {
    r.legend.textContent = t("lec.speakerN", { n: i + 1 });
    r.remove.textContent = t("lec.removeSpeaker", { n: i + 1 });
    for (const [k, c] of Object.entries(r.controls)) c.dataset.field = `speakers[${i}].${k}`;
  });
  const add = (sp = {}) => {
    const controls = { name: input({ maxlength: "40", props: { value: sp.name || "" } }),
      title: input({ maxlength: "40", props: { value: sp.title || "" } }),
      bio: textarea({ maxlength: "500", rows: "3" }, sp.bio || "") };
    const r = { controls, photo: sp.photo || "", legend: el("legend", {}), remove: el("button", { type: "button", class: "lec-remove" }) };
    r.node = el("fieldset", { class: "lec-speaker" }, r.legend, field(t("lec.f.speaker.name"), controls.name),
      field(t("lec.f.speaker.title"), controls.title, t("lec.speakerTitleHint")), field(t("lec.f.speaker.bio"), controls.bio), r.remove);
    r.remove.addEventListener("click", () => {
      const i = rows.indexOf(r);
      rows.splice(i, 1);
      r.node.remove();
      number();
      say(t("lec.speakerRemoved"));
      (rows[i] || rows[i - 1]) ? (rows[i] || rows[i - 1]).controls.name.focus() : addButton.focus();
    });
    rows.push(r);
    box.append(r.node);
    number();
    return r;
  };
  const addButton = el("button", { type: "button", on: { click: () => { add().controls.name.focus(); } } }, t("lec.addSpeaker"));
  (list || []).forEach((sp) => add(sp));
  return {
    node: el("fieldset", { class: "lec-speakers-all" }, el("legend", {}, t("lec.f.speakers")), box, addButton),
    read: () => rows.map((r) => ({ name: r.controls.name.value.trim(), title: r.controls.title.value.trim(),
      bio: r.controls.bio.value.trim(), photo: r.photo })),
  };
}

function registrationFields(reg = {}, capacity) {
  const mode = select([["none", t("lec.reg.none")], ["internal", t("lec.reg.internal")], ["external", t("lec.reg.external")]],
    reg.mode || "none", { "data-field": "registration.mode" });
  const url = input({ type: "url", "data-field": "registration.url", props: { value: reg.url || "" } });
  const opens = input({ type: "datetime-local", "data-field": "registration.opens_at", props: { value: localInput(reg.opens_at) } });
  const closes = input({ type: "datetime-local", "data-field": "registration.closes_at", props: { value: localInput(reg.closes_at) } });
  const waitlist = input({ type: "number", min: "0", max: "10000", inputmode: "numeric", "data-field": "registration.waitlist",
    props: { value: String(reg.waitlist || 0) } });
  const urlBox = field(t("lec.f.registration.url"), url);
  const inner = el("div", { class: "lec-reg-internal" }, field(t("lec.f.registration.opens_at"), opens, t("lec.opensHint")),
    field(t("lec.f.registration.closes_at"), closes, t("lec.closesHint")),
    field(t("lec.f.registration.waitlist"), waitlist, t("lec.waitlistHint")));
  const show = () => { urlBox.hidden = mode.value !== "external"; inner.hidden = mode.value !== "internal"; capacity.required = mode.value === "internal"; };
  mode.addEventListener("change", show);
  show();
  return {
    node: el("fieldset", {}, el("legend", {}, t("lec.f.registration")), field(t("lec.f.registration.mode"), mode), urlBox, inner),
    read: () => ({ mode: mode.value, url: mode.value === "external" ? url.value.trim() : "",
      opens_at: mode.value === "internal" ? fromLocalInput(opens.value) : null,
      closes_at: mode.value === "internal" ? fromLocalInput(closes.value) : null,
      waitlist: mode.value === "internal" ? Number(waitlist.value) || 0 : 0 }),
  };
}

// lectureForm is the fields of a session; read answers them as the API
// takes them.
function lectureForm(it, series) {
  const title = input({ required: true, maxlength: "120", "data-field": "title", props: { value: it.title || "" } });
  const summary = textarea({ rows: "2", "data-field": "summary" }, it.summary || "");
  const seriesSel = select([["", t("lec.noSeriesChosen")], ...series.map((s) => [s.slug, s.name])], it.series || "", { "data-field": "series" });
  const speakers = speakerRows(it.speakers);
  const venue = venueFields(it.venue || {});
  const online = input({ type: "url", "data-field": "online_url", props: { value: it.online_url || "" } });
  const starts = input({ type: "datetime-local", "data-field": "starts_at", props: { value: localInput(it.starts_at) } });
  const ends = input({ type: "datetime-local", "data-field": "ends_at", props: { value: localInput(it.ends_at) } });
  // A start moves the end with it (same length, or 90 minutes).
  starts.addEventListener("change", () => {
    if (!starts.value) return;
    const length = it.starts_at && it.ends_at ? Date.parse(it.ends_at) - Date.parse(it.starts_at) : 90 * 60000;
    if (!ends.value || Date.parse(fromLocalInput(ends.value)) <= Date.parse(fromLocalInput(starts.value))) {
      ends.value = localInput(new Date(Date.parse(fromLocalInput(starts.value)) + length).toISOString());
    }
  });
  const capacity = input({ type: "number", min: "0", max: "100000", inputmode: "numeric", "data-field": "capacity",
    props: { value: String(it.capacity || 0) } });
  const reg = registrationFields(it.registration, capacity);
  const body = textarea({ rows: "12", "data-field": "body", class: "lec-body" }, it.body || "");
  const node = el("div", { class: "lec-fields" },
    field(t("lec.f.title"), title), field(t("lec.f.summary"), summary, t("lec.summaryHint")), field(t("lec.f.series"), seriesSel),
    el("fieldset", {}, el("legend", {}, t("lec.f.when")), el("div", { class: "lec-pair" },
      field(t("lec.f.starts_at"), starts, t("lec.zone")), field(t("lec.f.ends_at"), ends, t("lec.zone")))),
    venue.node, field(t("lec.f.online_url"), online, t("lec.onlineHint")), speakers.node,
    field(t("lec.f.capacity"), capacity, t("lec.capacityHint")), reg.node,
    field(t("lec.f.body"), body, t("lec.markdownHint")));
  return {
    node,
    read: () => ({ title: title.value, summary: summary.value, series: seriesSel.value, speakers: speakers.read(), venue: venue.read(),
      online_url: online.value.trim(), starts_at: fromLocalInput(starts.value), ends_at: fromLocalInput(ends.value),
      capacity: Number(capacity.value) || 0, registration: reg.read(), cover: it.cover || "", body: body.value }),
  };
}

async function editorPage(id) {
  const title = id ? t("lec.editTitle") : t("lec.new");
  await page(title, async (showing) => {
    const [it, series] = await Promise.all([id ? call("GET", "/lectures/" + id) : Promise.resolve(null), allSeries()]);
    return showing() ? editor(it, series) : undefined;
  });
}

function editor(loaded, series) {
  let item = loaded;
  const form = lectureForm(item || { registration: { mode: "none" } }, series);
  let saved = JSON.stringify(form.read());
  const dirty = () => JSON.stringify(form.read()) !== saved;
  const error = el("p", { class: "error", role: "alert" });
  const stateLine = el("p", { class: "muted", role: "status" }, item ? t("lec.savedAt", { time: when(item.updated_at) }) : t("lec.notSaved"));
  let bar = null;
  // The edit lock (editlock.js): held by someone else, the form is
  // read-only until they leave or a publisher takes over.
  let lock = null;
  const readOnly = (on) => {
    for (const c of formNode.querySelectorAll("input, select, textarea, button")) c.disabled = on;
  };
  const unsaved = () => {
    if (!dirty()) return "";
    const f = form.read();
    return [f.title, f.summary, f.body].filter(Boolean).join("\n\n");
  };
  const lockFor = (id) => { lock = editLock("lectures", id, { readOnly, unsaved }); return lock; };

  // save writes the form (a new session is created); a stale version is
  // said plainly and the typed text stays. It answers the saved item.
  const save = async (base) => {
    error.textContent = "";
    const fields = form.read();
    try {
      const next = item ? await call("PUT", "/lectures/" + item.id, { ...fields, version: base ?? item.version })
        : await call("POST", "/lectures", fields);
      const created = !item;
      item = next;
      saved = JSON.stringify(fields);
      stateLine.textContent = t("lec.savedAt", { time: when(item.updated_at) });
      say(t("lec.saved"));
      if (created) {
        history.replaceState({}, "", "/admin/lectures/" + item.id);
        lockFor(item.id).take().catch(() => {});
        document.title = t("lec.editTitle") + " · " + t("brand");
        const h1 = document.querySelector("main h1");
        if (h1) h1.textContent = t("lec.editTitle");
        render();
      }
      else if (bar) bar.update(item);
      return item;
    } catch (e) {
      mark(formNode, e);
      error.textContent = problem(e);
      if (e.status === 409 && lock && !(e.problem && e.problem.current_version != null)) lock.check();
      if (e.status === 409 && e.problem && e.problem.current_version != null) {
        const current = e.problem.current_version;
        error.append(" ", el("button", { type: "button", class: "primary", on: { click: () => save(current) } }, t("lec.keepMine")),
          " ", el("button", { type: "button", on: { click: async () => {
            const ok = await dialog(t("lec.reloadTitle"), el("p", {}, t("lec.reloadConfirm")),
              [{ label: t("lec.back"), value: "" }, { label: t("lec.reload"), value: "ok", primary: true }]);
            if (ok === "ok") { saved = JSON.stringify(form.read()); go("/admin/lectures/" + item.id, { replace: true }); }
          } } }, t("lec.reload")));
      }
      throw e;
    }
  };
  const formNode = el("form", { class: "card lec-form", "aria-label": t("lec.formLabel"), novalidate: true, on: { submit: async (ev) => {
    ev.preventDefault();
    try { await save(); } catch (_) { /* shown in the form */ }
  } } }, form.node,
    el("div", { class: "lec-sticky" }, error, el("div", { class: "lec-buttons" },
      el("button", { type: "submit", class: "primary" }, t("lec.save")), stateLine)));

  const container = el("div", { class: "lec" });
  const unload = (ev) => { if (dirty()) { ev.preventDefault(); ev.returnValue = ""; } };
  window.addEventListener("beforeunload", unload);
  onLeave(async () => {
    window.removeEventListener("beforeunload", unload);
    // What was typed is kept: an existing session is saved, a new one
    // with a title is made a draft.
    if (lock) lock.stop();
    if (dirty() && (item || form.read().title.trim())) {
      try { await save(); say(t("lec.savedOnLeave")); } catch (e) { say(problem(e)); }
    }
    if (lock) lock.release();
  });

  function render() {
    const head = [];
    if (item) {
      bar = workflowBar("lectures", item, {
        beforeStep: async () => (dirty() ? save() : item),
        onChange: (next) => { item = next; render(); },
      });
      head.push(bar, el("p", { class: "lec-meta" }, eventTag(item.event_status), " ", span(item.starts_at, item.ends_at),
        item.status_reason ? el("span", { class: "muted" }, " · " + t("lec.reason") + item.status_reason) : null,
        " ", el("span", { class: "muted" }, t("lec.sequence", { n: item.sequence }))),
      item.registration && item.registration.mode === "internal"
        ? el("p", {}, link("/admin/lectures/" + item.id + "/registrations", t("lec.registrations"))) : null);
    }
    fill(container, toolbar(), head, lock ? lock.banner : null, formNode, item && item.live ? eventSection(item, dirty, (next) => { item = next; render(); }) : null,
      item ? printLinks("lectures", item) : null);
  }
  if (item && !item.trashed_at) lockFor(item.id).take().catch(() => {});
  render();
  return container;
}

// ---- Event changes ----

function eventSection(item, dirty, changed) {
  const choices = eventStatuses.filter((s) => s !== item.event_status || s === "rescheduled" || s === "moved_online" || s === "scheduled");
  const status = select(choices.map((s) => [s, t("lec.change." + s)]), choices.find((c) => c !== "scheduled") || choices[0],
    { "data-field": "event_status" });
  const starts = input({ type: "datetime-local", "data-field": "starts_at", props: { value: localInput(item.starts_at) } });
  const ends = input({ type: "datetime-local", "data-field": "ends_at", props: { value: localInput(item.ends_at) } });
  const online = input({ type: "url", "data-field": "online_url", props: { value: item.online_url || "" } });
  const reason = textarea({ required: true, maxlength: "200", rows: "3", "data-field": "reason" });
  const times = el("div", { class: "lec-pair" }, field(t("lec.newStart"), starts, t("lec.zone")), field(t("lec.newEnd"), ends, t("lec.zone")));
  const onlineBox = field(t("lec.f.online_url"), online, t("lec.movedOnlineHint"));
  const error = el("p", { class: "error", role: "alert" });
  const show = () => {
    times.hidden = status.value !== "rescheduled" && status.value !== "scheduled";
    onlineBox.hidden = status.value !== "moved_online";
  };
  status.addEventListener("change", show);
  show();
  const body = () => {
    const b = { event_status: status.value, reason: reason.value.trim(), version: item.version };
    if (status.value === "rescheduled" || (status.value === "scheduled" && (starts.value !== localInput(item.starts_at) || ends.value !== localInput(item.ends_at)))) {
      b.starts_at = fromLocalInput(starts.value);
      b.ends_at = fromLocalInput(ends.value);
    }
    if (status.value === "moved_online" && online.value.trim()) b.online_url = online.value.trim();
    return b;
  };
  const form = el("form", { class: "card lec-form lec-event-form", "aria-labelledby": "lec-event-title", novalidate: true, on: { submit: async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    if (dirty()) { error.textContent = t("lec.saveFirst"); return; }
    if (!reason.value.trim()) { error.textContent = t("lec.reasonNeeded"); reason.setAttribute("aria-invalid", "true"); reason.focus(); return; }
    const b = body();
    let p;
    try {
      p = await call("POST", `/lectures/${item.id}/event/preview`, b);
    } catch (e) { mark(form, e); error.textContent = problem(e); return; }
    const ok = await dialog(t("lec.previewTitle"), previewNodes(p),
      [{ label: t("lec.back"), value: "" }, { label: t("lec.applyChange"), value: "ok", primary: true }]);
    if (ok !== "ok") { status.focus(); return; }
    try {
      const next = await call("POST", `/lectures/${item.id}/event`, b);
      say(t("lec.changed", { n: p.registrants }));
      changed(next);
    } catch (e) { mark(form, e); error.textContent = problem(e); }
  } } },
    el("h2", { id: "lec-event-title" }, t("lec.eventTitle")), el("p", { class: "hint" }, t("lec.eventHint")),
    field(t("lec.changeTo"), status), times, onlineBox, field(t("lec.f.reason"), reason, t("lec.reasonHint")), error,
    el("div", { class: "lec-buttons" }, el("button", { type: "submit", class: "primary" }, t("lec.previewChange"))));
  return form;
}

// previewNodes says what an event change would do for registrants and
// calendars.
function previewNodes(p) {
  const b = p.before, a = p.after;
  const timeAfter = a.event_status === "cancelled" ? t("lec.event.cancelled") : a.event_status === "postponed" ? t("lec.postponedNoDate")
    : span(a.starts_at, a.ends_at);
  const rows = [
    [t("lec.pv.status"), t("lec.event." + b.event_status), t("lec.event." + a.event_status)],
    [t("lec.pv.time"), span(b.starts_at, b.ends_at), timeAfter],
  ];
  if (a.location !== b.location) rows.push([t("lec.pv.place"), b.location || "—", a.location || "—"]);
  return el("div", { class: "lec-preview" },
    el("dl", {}, rows.map(([k, from, to]) => [el("dt", {}, k), el("dd", {}, el("span", { class: "lec-old" }, from), " → ",
      el("strong", {}, to))])),
    el("p", { class: "lec-tell" }, p.registrants ? t("lec.pv.tell", { n: p.registrants }) : t("lec.pv.tellNone")),
    el("p", {}, t("lec.pv.calendar", { from: b.sequence, to: a.sequence })),
    el("p", {}, t("lec.pv.reason", { reason: a.status_reason })));
}

// ---- The generator ----

async function generatorPage() {
  await page(t("lec.generate"), async () => {
    const series = await allSeries();
    return el("div", { class: "lec" }, toolbar(), generatorForm(series));
  });
}

function generatorForm(series) {
  const seriesSel = select([["", t("lec.chooseSeries")], ...series.map((s) => [s.slug, s.name])], "", { required: true, "data-field": "series" });
  const title = input({ required: true, maxlength: "120", "data-field": "title" });
  const speakers = speakerRows([]);
  const capacity = input({ type: "number", min: "0", max: "100000", inputmode: "numeric", "data-field": "capacity", props: { value: "0" } });
  const reg = registrationFields({ mode: "none" }, capacity);
  const body = textarea({ rows: "6", "data-field": "body" });
  const first = input({ type: "date", required: true, "data-field": "from" });
  const start = input({ type: "time", required: true, "data-field": "start", props: { value: "15:00" } });
  const end = input({ type: "time", required: true, "data-field": "end", props: { value: "16:30" } });
  const days = weekdays.map((d) => [d, input({ type: "checkbox", id: "lec-wd-" + d, value: String(d) })]);
  first.addEventListener("change", () => {
    // The first day's weekday is ticked when none is yet.
    if (!first.value || days.some(([, b]) => b.checked)) return;
    const wd = new Date(first.value + "T12:00:00+08:00").getUTCDay() || 7;
    days[wd - 1][1].checked = true;
  });
  const interval = select([1, 2, 3, 4].map((n) => [String(n), t("lec.every." + n)]), "1", { "data-field": "interval" });
  const endBy = select([["count", t("lec.endBy.count")], ["until", t("lec.endBy.until")]], "count");
  const count = input({ type: "number", min: "1", max: "52", inputmode: "numeric", "data-field": "count", props: { value: "8" } });
  const until = input({ type: "date", "data-field": "until" });
  const countBox = field(t("lec.f.count"), count, t("lec.countHint"));
  const untilBox = field(t("lec.f.until"), until, t("lec.untilHint"));
  endBy.addEventListener("change", () => { countBox.hidden = endBy.value !== "count"; untilBox.hidden = endBy.value !== "until"; });
  untilBox.hidden = true;
  const except = [];
  const exceptDay = input({ type: "date" });
  const exceptList = el("ul", { class: "lec-chips" });
  const drawExcept = () => exceptList.replaceChildren(...except.map((d, i) => el("li", {}, d, " ",
    el("button", { type: "button", on: { click: () => { except.splice(i, 1); drawExcept(); exceptDay.focus(); } } },
      t("lec.removeDay", { day: d })))));
  const addExcept = el("button", { type: "button", on: { click: () => {
    if (exceptDay.value && !except.includes(exceptDay.value)) { except.push(exceptDay.value); except.sort(); drawExcept(); }
    exceptDay.value = "";
  } } }, t("lec.addExcept"));

  const request = () => ({
    template: { title: title.value, series: seriesSel.value, speakers: speakers.read(), capacity: Number(capacity.value) || 0,
      registration: reg.read(), body: body.value },
    rule: { weekdays: days.filter(([, b]) => b.checked).map(([d]) => d), start: start.value, end: end.value, from: first.value,
      interval: Number(interval.value), count: endBy.value === "count" ? Number(count.value) || 0 : 0,
      until: endBy.value === "until" ? until.value : "", except: [...except] },
  });
  const error = el("p", { class: "error", role: "alert" });
  const plan = el("section", { class: "card lec-plan", "aria-labelledby": "lec-plan-title", hidden: true });
  let planned = "";
  const form = el("form", { class: "card lec-form", "aria-label": t("lec.generate"), novalidate: true, on: {
    input: () => { if (planned && JSON.stringify(request()) !== planned) { plan.hidden = true; planned = ""; } },
    change: () => { if (planned && JSON.stringify(request()) !== planned) { plan.hidden = true; planned = ""; } },
    submit: async (ev) => {
      ev.preventDefault();
      error.textContent = "";
      const req = request();
      try {
        const r = await call("POST", "/lectures/generate/preview", req);
        planned = JSON.stringify(req);
        showPlan(r.items, req);
      } catch (e) { mark(form, e); error.textContent = problem(e); }
    } } },
    el("fieldset", {}, el("legend", {}, t("lec.template")), field(t("lec.f.series"), seriesSel, t("lec.generateSeriesHint")),
      field(t("lec.f.title"), title, t("lec.generateTitleHint")), speakers.node, field(t("lec.f.capacity"), capacity), reg.node,
      field(t("lec.f.body"), body, t("lec.markdownHint"))),
    el("fieldset", {}, el("legend", {}, t("lec.rule")),
      field(t("lec.f.from"), first, t("lec.firstHint")),
      el("div", { class: "lec-pair" }, field(t("lec.f.start"), start, t("lec.zone")), field(t("lec.f.end"), end, t("lec.zone"))),
      el("fieldset", { class: "lec-days", "data-field": "weekdays" }, el("legend", {}, t("lec.f.weekdays")),
        days.map(([d, b]) => el("div", { class: "lec-check" }, b, el("label", { for: b.id }, t("lec.wd." + d))))),
      field(t("lec.f.interval"), interval), field(t("lec.endBy"), endBy), countBox, untilBox,
      el("fieldset", { class: "lec-except" }, el("legend", {}, t("lec.f.except")), field(t("lec.exceptDay"), exceptDay), addExcept, exceptList)),
    error, el("div", { class: "lec-buttons" }, el("button", { type: "submit", class: "primary" }, t("lec.previewPlan"))));

  function showPlan(items, req) {
    const create = el("button", { type: "button", class: "primary", on: { click: async () => {
      create.disabled = true;
      try {
        const r = await call("POST", "/lectures/generate", req);
        say(t("lec.generated", { n: r.items.length }));
        plan.replaceChildren(el("h2", { id: "lec-plan-title", tabindex: "-1" }, t("lec.generated", { n: r.items.length })),
          el("ol", { class: "lec-planned" }, r.items.map((it) => el("li", {}, link("/admin/lectures/" + it.id, span(it.starts_at, it.ends_at)),
            " ", statusTag(it.status)))),
          el("p", {}, t("lec.generatedHint")));
        plan.querySelector("h2").focus();
        planned = "";
      } catch (e) { create.disabled = false; error.textContent = problem(e); }
    } } }, t("lec.createN", { n: items.length }));
    plan.replaceChildren(el("h2", { id: "lec-plan-title", tabindex: "-1" }, t("lec.planTitle", { n: items.length })),
      el("p", {}, t("lec.planHint", { title: req.template.title })),
      el("ol", { class: "lec-planned" }, items.map((o) => el("li", {}, span(o.starts_at, o.ends_at)))),
      el("div", { class: "lec-buttons" }, create));
    plan.hidden = false;
    plan.querySelector("h2").focus();
  }
  return el("div", {}, form, plan);
}

// ---- Registrations ----

// cell is a table cell whose content is one box (a narrow screen shows
// the column's name beside it).
const cell = (tag, label, ...children) => el(tag, tag === "th" ? { scope: "row", "data-label": label } : { "data-label": label },
  el("span", {}, children));

async function registrationsPage(id, q) {
  await page(t("lec.registrations"), async () => {
    const [item, regs, notices, series] = await Promise.all([call("GET", "/lectures/" + id), everything(`/lectures/${id}/registrations`),
      everything(`/notifications?phones=whole&lecture=${id}`), allSeries()]);
    const me = state.user.id;
    const sr = series.find((s) => s.slug === item.series);
    const mayExport = can("admin") || (can("organizer") && (item.author === me || (sr && (sr.created_by === me || (sr.organizers || []).includes(me)))));
    // The waiting list's order is its numbers (0: from before numbers,
    // first; -1: joining this moment, last), then arrival.
    const rank = (r) => (r.wait_seq < 0 ? Number.MAX_SAFE_INTEGER : r.wait_seq || 0);
    let n = 0;
    const position = new Map(regs.filter((r) => r.status === "waitlisted").sort((a, b) => rank(a) - rank(b) || a.seq - b.seq)
      .map((r) => [r.id, ++n]));
    const shown = q.get("status") ? regs.filter((r) => r.status === q.get("status")) : regs;
    const counts = { confirmed: 0, waitlisted: 0, cancelled: 0 };
    for (const r of regs) counts[r.status]++;
    const statusSel = select([["", t("lec.reg.any")], ["confirmed", t("lec.reg.confirmed")], ["waitlisted", t("lec.reg.waitlisted")],
      ["cancelled", t("lec.reg.cancelled")]], q.get("status") || "", { id: "lec-reg-status" });
    statusSel.addEventListener("change", () => go(`/admin/lectures/${id}/registrations` + (statusSel.value ? "?status=" + statusSel.value : "")));

    const reload = () => go(location.pathname + location.search, { replace: true });
    const cancelButton = (r) => el("button", { type: "button", on: { click: async (ev) => {
      const ok = await dialog(t("lec.cancelRegTitle"), el("p", {}, t("lec.cancelRegConfirm", { name: r.name })),
        [{ label: t("lec.back"), value: "" }, { label: t("lec.cancelReg"), value: "ok", primary: true }]);
      if (ok !== "ok") return;
      ev.target.disabled = true;
      try {
        await call("DELETE", `/lectures/${id}/registrations/${r.id}`);
        say(t("lec.regCancelled", { name: r.name }));
        reload();
      } catch (e) { ev.target.disabled = false; say(problem(e)); }
    } } }, t("lec.cancelReg"), el("span", { class: "visually-hidden" }, " " + r.name));

    const regStatus = (r) => r.status === "waitlisted" ? t("lec.reg.waitingN", { n: position.get(r.id) }) : t("lec.reg." + r.status);
    const table = el("table", { class: "lec-table" },
      el("caption", { class: "visually-hidden" }, t("lec.regCaption", { title: item.title })),
      el("thead", {}, el("tr", {}, [t("lec.col.seq"), t("lec.col.name"), t("lec.col.phone"), t("lec.col.status"), t("lec.col.note"),
        t("lec.col.at"), t("lec.col.actions")].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, shown.map((r) => el("tr", { class: "lec-reg-" + r.status },
        cell("td", t("lec.col.seq"), String(r.seq)),
        cell("th", t("lec.col.name"), r.name),
        cell("td", t("lec.col.phone"), el("span", { class: "lec-phone" }, r.phone)),
        cell("td", t("lec.col.status"), regStatus(r), r.notice ? el("span", { class: "tag lec-totell" }, t("lec.toTellTag")) : null,
          r.repeat ? el("span", { class: "tag lec-repeat" }, t("lec.repeatTag")) : null),
        cell("td", t("lec.col.note"), r.note || "—"),
        cell("td", t("lec.col.at"), when(r.created_at)),
        cell("td", t("lec.col.actions"), r.status !== "cancelled" ? cancelButton(r) : t("lec.cancelledAt", { time: when(r.cancelled_at) }))))));

    const tell = el("section", { class: "card lec-notices", "aria-labelledby": "lec-tell-title" },
      el("h2", { id: "lec-tell-title" }, t("lec.toTell"), " ", el("span", { class: "count" }, String(notices.length))),
      notices.length ? toTellChanges(notices, reload, "h3") : el("p", { class: "muted" }, t("lec.noneToTell")),
      el("p", { class: "hint" }, t("lec.tellHint")), phonesHint(notices));

    return el("div", { class: "lec" }, toolbar(),
      el("p", {}, link("/admin/lectures/" + id, item.title), " · ", span(item.starts_at, item.ends_at), " ", eventTag(item.event_status)),
      el("p", { class: "lec-counts" }, t("lec.regCounts", { c: counts.confirmed, cap: item.capacity, w: counts.waitlisted, x: counts.cancelled })),
      tell,
      el("section", { class: "card", "aria-labelledby": "lec-reg-title" },
        el("h2", { id: "lec-reg-title" }, t("lec.regList")),
        el("div", { class: "lec-reg-tools" }, field(t("lec.reg.show"), statusSel),
          mayExport ? el("a", { class: "lec-download", href: `/api/admin/v1/lectures/${id}/registrations.csv`, download: "" }, t("lec.export"))
            : el("p", { class: "muted" }, t("lec.exportWho"))),
        el("p", { class: "hint" }, t("lec.maskedHint")),
        regs.some((r) => r.repeat) ? el("p", { class: "hint" }, t("lec.repeatHint")) : null,
        shown.length ? table : el("p", {}, t("lec.noRegs"))));
  });
}

// ---- Registrants to tell ----

// The changes a registrant is told of, in the order the list shows them.
const changes = ["promoted", "rescheduled", "postponed", "moved_online", "cancelled", "scheduled"];

// noticeText says what a registrant is to be told, in the UI's words; a
// promotion says the session's date too, and that it moved.
function noticeText(n) {
  const moved = n.previous_starts_at && n.starts_at && Date.parse(n.previous_starts_at) !== Date.parse(n.starts_at);
  const was = moved ? t("lec.notice.was", { time: span(n.previous_starts_at) }) : "";
  const at = n.starts_at ? span(n.starts_at) : "";
  const event = n.event_status === "cancelled" ? t("lec.notice.cancelled")
    : n.event_status === "postponed" ? t("lec.notice.postponed")
      : n.event_status === "moved_online" ? t("lec.notice.online") + (at ? " · " + at : "")
        : !at ? ""
          : n.event_status === "rescheduled" || moved ? t("lec.notice.time", { time: at }) + was
            : n.kind === "place_confirmed" ? t("lec.notice.when", { time: at }) : t("lec.notice.time", { time: at });
  if (n.kind !== "place_confirmed") return event;
  return event ? t("lec.notice.placeAnd", { event }) : t("lec.notice.place");
}

// phoneOf is a registrant's number: a tel: link when it is whole (for
// who may export the session's registrations), else masked text.
export function phoneOf(r) {
  return r.tel ? el("a", { class: "lec-phone lec-tel", href: r.tel, "aria-label": t("lec.call", { name: r.name, phone: r.phone }) }, r.phone)
    : el("span", { class: "lec-phone", title: t("lec.maskedShort") }, r.phone);
}

// phonesHint says why numbers are whole or masked.
function phonesHint(notices) {
  const whole = notices.some((n) => n.phone_whole), masked = notices.some((n) => !n.phone_whole);
  return [whole ? el("p", { class: "hint" }, t("lec.wholeHint")) : null, masked ? el("p", { class: "hint" }, t("lec.maskedTellHint")) : null];
}

function groupBy(list, key) {
  const m = new Map();
  for (const x of list) {
    const k = key(x);
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(x);
  }
  return m;
}

// toTellChanges lists one session's registrants to tell by change, under
// headings of level h.
function toTellChanges(notices, reload, h) {
  const byChange = groupBy(notices, (n) => n.notice.change || (n.notice.kind === "place_confirmed" ? "promoted" : n.notice.event_status));
  const order = [...changes, ...[...byChange.keys()].filter((c) => !changes.includes(c))];
  return order.filter((c) => byChange.has(c)).map((c) => el("div", { class: "lec-tell-change lec-change-" + c },
    el(h, {}, t("lec.what." + c), " ", el("span", { class: "count" }, t("lec.people", { n: byChange.get(c).length }))),
    el("ul", { class: "lec-tell-list" }, byChange.get(c).map((r) => el("li", {},
      el("span", { class: "lec-tell-who" }, el("strong", {}, r.name), " ", phoneOf(r)),
      el("span", { class: "lec-tell-what" }, noticeText(r.notice), r.notice.reason ? el("span", { class: "muted" }, "（" + r.notice.reason + "）") : null),
      r.sms ? smsTag(r.sms) : null,
      r.sms && (r.sms.state === "failed" || r.sms.state === "unsure") ? el("button", { type: "button", class: "secondary", on: { click: async (ev) => {
        ev.target.disabled = true;
        try {
          await call("POST", `/notifications/${r.id}/sms/retry`);
          say(t("lec.smsResent", { name: r.name }));
          reload();
        } catch (e) { ev.target.disabled = false; say(problem(e)); }
      } } }, t("lec.smsResend"), el("span", { class: "visually-hidden" }, " " + r.name)) : null,
      el("button", { type: "button", on: { click: async (ev) => {
        ev.target.disabled = true;
        try {
          await call("POST", `/notifications/${r.id}/told`, { sequence: r.notice.sequence });
          say(t("lec.told", { name: r.name }));
          reload();
        } catch (e) { ev.target.disabled = false; say(problem(e)); }
      } } }, t("lec.markTold"), el("span", { class: "visually-hidden" }, " " + r.name)))))));
}

// smsTag is where a registrant's text message stands (sent, when; failed
// or unconfirmed, why; waiting; not texted, why).
function smsTag(st) {
  return el("span", { class: "lec-sms lec-sms-" + st.state },
    el("span", { class: "tag" }, t("lec.sms." + st.state, { at: st.at ? when(st.at) : "" })),
    st.reason ? el("span", { class: "muted lec-sms-reason" }, " " + st.reason) : null);
}

// smsLog is the record of the latest text messages.
function smsLog(sms) {
  if (!sms || !sms.enabled) return null;
  return el("section", { class: "card lec-sms-log", "aria-labelledby": "lec-sms-log" },
    el("h2", { id: "lec-sms-log" }, t("lec.smsLog")), el("p", { class: "hint" }, t("lec.smsLogHint")),
    sms.recent.length ? el("table", { class: "adm-table lec-sms-table" }, el("thead", {}, el("tr", {}, ["who", "session", "change", "state"].map((c) => el("th", {}, t("lec.smsCol." + c))))),
      el("tbody", {}, sms.recent.map((m) => el("tr", {},
        el("td", {}, m.name || "—", " ", el("span", { class: "lec-phone" }, m.phone || "")),
        el("td", {}, m.lecture_title || "—"), el("td", {}, t("lec.what." + m.change)), el("td", {}, smsTag(m.sms))))))
      : el("p", {}, t("lec.smsNone")));
}

// sessionWhen is the time of a notice's session.
const sessionWhen = (n) => span(n.lecture_starts_at, n.lecture_ends_at);

// toTellPage is every registrant the user is to tell, by session (the
// soonest first) and by change, with whole numbers and tel: links for
// the sessions whose registrations they may export.
async function toTellPage() {
  await page(t("lec.toTell"), async () => {
    const [notices, first] = await Promise.all([everything("/notifications?phones=whole"), call("GET", "/notifications?limit=1")]);
    const starts = (n) => (n.lecture_starts_at ? Date.parse(n.lecture_starts_at) : Number.MAX_SAFE_INTEGER);
    notices.sort((a, b) => starts(a) - starts(b));
    const reload = () => go(location.pathname, { replace: true });
    const sessions = [...groupBy(notices, (n) => n.lecture_id).values()];
    return el("div", { class: "lec" }, toolbar(),
      el("p", { class: "hint" }, t("lec.tellHint")), phonesHint(notices),
      sessions.length ? sessions.map((rs, i) => el("section", { class: "card lec-tell-session", "aria-labelledby": "lec-tell-" + i },
        el("h2", { id: "lec-tell-" + i }, link(`/admin/lectures/${rs[0].lecture_id}/registrations`, rs[0].lecture_title || "—")),
        el("p", { class: "lec-meta" }, el("span", {}, sessionWhen(rs[0])), eventTag(rs[0].lecture_event_status || "scheduled"),
          el("span", { class: "count" }, t("lec.people", { n: rs.length }))),
        toTellChanges(rs, reload, "h3"))) : el("p", {}, t("lec.noneToTell")), smsLog(first.sms));
  });
}

// toTellRow is a registrant to tell as the dashboard lists them: the
// session and its time, the change, the name and number.
export function toTellRow(n) {
  return el("li", { class: "lec-tell-row" }, link(`/admin/lectures/${n.lecture_id}/registrations`, n.lecture_title || "—"),
    " ", el("span", { class: "muted" }, sessionWhen(n)), " ",
    el("span", { class: "tag lec-totell" }, t("lec.what." + (n.notice.change || "promoted"))), " ",
    el("span", { class: "lec-tell-who" }, el("strong", {}, n.name), " ", phoneOf(n)), n.sms ? [" ", smsTag(n.sms)] : null);
}

route(/^\/admin\/lectures\/notifications$/, () => toTellPage());
route(/^\/admin\/lectures$/, (_, q) => listPage(q));
route(/^\/admin\/lectures\/series$/, (_, q) => seriesPage(q));
route(/^\/admin\/lectures\/new$/, () => editorPage(null));
route(/^\/admin\/lectures\/generate$/, () => generatorPage());
route(/^\/admin\/lectures\/([0-9a-z]+)\/registrations$/, (m, q) => registrationsPage(m[1], q));
route(/^\/admin\/lectures\/([0-9a-z]+)$/, (m) => editorPage(m[1]));
