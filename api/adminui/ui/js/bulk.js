// Bulk steps: a list's rows get a checkbox each, and a bar above the
// table takes one workflow step (or trash, restore) for the rows ticked,
// through POST /{kind}/bulk. Each item goes through the workflow as its
// own route would take it; the answer, item by item, is shown under the
// bar (which went through, which were refused and why), and the rows'
// status badges change in place, so the list is not reloaded under the
// reader's eyes.
import { t, el, call, can, statusTag, problemText, errorText, fieldName } from "./core.js";

// The steps offered, in order: editors and organizers may submit and
// trash their own; the others are publishers'.
const everyone = ["submit", "trash", "restore"];
const publishers = ["approve", "reject", "publish", "schedule", "unschedule", "unpublish", "archive"];

// bulkList wraps list with the checkboxes and the bar. list is a table
// whose body rows are rows, in order (a column of checkboxes is added),
// or a list whose items are (each item starts with its checkbox); kind
// is the API's ("stories"), title(row) names a row in the results. It
// returns the element to put in the page.
export function bulkList(kind, list, rows, title) {
  const boxes = [];
  const table = list.tagName === "TABLE";
  const slots = table ? [...list.tBodies[0].rows] : [...list.children];
  const all = el("input", { type: "checkbox", id: `bulk-all-${kind}` });
  if (table) list.tHead.rows[0].prepend(el("th", { scope: "col", class: "bulk-check" }, el("span", { class: "visually-hidden" }, t("bulk.pickHead"))));
  rows.forEach((row, i) => {
    const box = el("input", { type: "checkbox", value: row.id, class: "bulk-box", "aria-label": t("bulk.pick", { title: title(row) }) });
    boxes.push(box);
    slots[i].prepend(table ? el("td", { class: "bulk-check" }, box) : el("span", { class: "bulk-check" }, box));
  });
  const count = el("span", { class: "bulk-count", "aria-live": "polite" }, t("bulk.count", { n: 0 }));
  const actions = [...everyone, ...(can("admin", "publisher") ? publishers : [])];
  const action = el("select", { id: `bulk-action-${kind}` }, actions.map((a) => el("option", { value: a }, t("bulk.act." + a))));
  const at = el("input", { type: "datetime-local", id: `bulk-at-${kind}` });
  const note = el("input", { type: "text", id: `bulk-note-${kind}`, maxlength: "500" });
  const atField = el("label", { class: "bulk-extra", hidden: true }, t("bulk.at"), " ", at);
  const noteField = el("label", { class: "bulk-extra", hidden: true }, t("bulk.note"), " ", note);
  const go = el("button", { type: "submit", class: "primary", disabled: true }, t("bulk.go"));
  const results = el("div", { class: "bulk-results", role: "status", "aria-live": "polite" });
  const picked = () => boxes.filter((b) => b.checked);
  const update = () => {
    const n = picked().length;
    count.textContent = t("bulk.count", { n });
    go.disabled = n === 0;
    all.checked = n > 0 && n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  };
  const extras = () => {
    atField.hidden = action.value !== "schedule";
    noteField.hidden = action.value !== "reject";
  };
  all.addEventListener("change", () => { boxes.forEach((b) => { b.checked = all.checked; }); update(); });
  boxes.forEach((b) => b.addEventListener("change", update));
  action.addEventListener("change", extras);

  const bar = el("form", { class: "bulk-bar card", "aria-label": t("bulk.label"), on: { submit: async (ev) => {
    ev.preventDefault();
    const ids = picked().map((b) => b.value);
    if (!ids.length) return;
    const req = { action: action.value, ids };
    if (action.value === "schedule") {
      if (!at.value) { results.replaceChildren(el("p", { class: "bulk-failed" }, t("bulk.needAt"))); at.focus(); return; }
      req.at = new Date(at.value).toISOString();
    }
    if (action.value === "reject") req.note = note.value.trim();
    go.disabled = true;
    try {
      const r = await call("POST", `/${kind}/bulk`, req);
      const byID = Object.fromEntries(rows.map((row, i) => [row.id, { row, tr: slots[i] }]));
      results.replaceChildren(
        el("p", {}, t("bulk.done", { action: t("bulk.act." + r.action), ok: r.succeeded, failed: r.failed })),
        el("ul", {}, r.results.map((x) => {
          const { row, tr } = byID[x.id] || {};
          const name = row ? title(row) : x.id;
          if (x.ok) {
            const badge = tr && tr.querySelector(".tag[class*='status-']");
            if (badge && x.status) badge.replaceWith(statusTag(x.status));
            return el("li", { class: "bulk-ok" }, "✓ ", name, t("fieldSep"), x.status ? t("status." + x.status) : t("bulk.ok"));
          }
          const p = x.problem || {};
          const why = [problemText(p.detail), ...(p.errors || []).map((f) => fieldName(f.field) + t("fieldSep") + problemText(f.message))].filter(Boolean).join("；");
          return el("li", { class: "bulk-failed" }, "✗ ", name, t("fieldSep"), why);
        })));
      boxes.forEach((b) => { b.checked = false; });
    } catch (e) {
      results.replaceChildren(el("p", { class: "bulk-failed" }, t("error", { message: errorText(e) })));
    }
    update();
  } } }, el("label", { class: "bulk-all" }, all, " ", t("bulk.all")), count, " ", el("label", {}, t("bulk.action"), " ", action), atField, noteField, " ", go);
  return el("div", { class: "bulk" }, bar, results, list);
}
