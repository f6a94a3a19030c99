// The workflow bar every kind's editor shows: the steps the user may take
// on the item now (the server's workflow table, mirrored so only usable
// buttons appear; the server decides), with a comment for a rejection
// and a date-time in Asia/Shanghai for a schedule.

import { state, t, el, call, can, say, dialog, field, errorText, when, localInput, fromLocalInput, statusTag, fill, readCount } from "./core.js";

const publisherOnly = new Set(["approve", "reject", "publish", "schedule", "unschedule", "unpublish", "archive"]);

// from is where each step may start (the server's content/workflow.go);
// null: any status; live: only items readers see.
const steps = [
  { action: "submit", from: ["draft", "rejected"] },
  { action: "approve", from: ["in_review"] },
  { action: "reject", from: ["in_review", "approved", "scheduled", "schedule_failed"] },
  { action: "publish", from: ["draft", "in_review", "approved", "rejected", "scheduled", "schedule_failed", "archived"] },
  { action: "schedule", from: ["draft", "in_review", "approved", "rejected", "scheduled", "schedule_failed", "published"] },
  { action: "unschedule", scheduled: true },
  { action: "unpublish", live: true },
  { action: "archive", live: true },
];

// isPublisher: may publish (admins and publishers).
export const isPublisher = () => can("admin", "publisher");

// available lists the steps the signed-in user may take on item.
export function available(item, me) {
  if (item.trashed_at) return [];
  const pub = isPublisher();
  return steps.filter((s) => {
    if (publisherOnly.has(s.action) && !pub) return false;
    if (!pub && item.author !== me) return false;
    if (s.live) return item.live;
    if (s.scheduled) return !!item.schedule;
    // Publishing a published item with changes publishes the changes.
    if (s.action === "publish" && item.status === "published") return item.has_unpublished_changes;
    return s.from.includes(item.status);
  }).map((s) => s.action);
}

// ask gathers what a step needs: a comment for a rejection, a time for a
// schedule; null when the user cancels. confirm (the screen's own
// question, optional) is asked first.
async function ask(action, item, confirm) {
  if (!await confirm(action, item)) return null;
  if (action === "reject") {
    const note = el("textarea", { id: "wf-note", rows: "4", required: true });
    const v = await dialog(t("wf.rejectTitle"), field(t("wf.rejectNote"), note, t("wf.rejectHint")),
      [{ label: t("cancel"), value: "" }, { label: t("wf.reject"), value: "ok", primary: true }]);
    if (v !== "ok") return null;
    if (!note.value.trim()) { say(t("wf.noteNeeded")); return null; }
    return { note: note.value.trim() };
  }
  if (action === "schedule") {
    const soon = new Date(Date.now() + 3600 * 1000).toISOString();
    const at = el("input", { id: "wf-at", type: "datetime-local", required: true,
      props: { value: localInput(item.schedule ? item.schedule.at : soon) } });
    const v = await dialog(t("wf.scheduleTitle"), field(t("wf.scheduleAt"), at, t("wf.zoneHint")),
      [{ label: t("cancel"), value: "" }, { label: t("wf.schedule"), value: "ok", primary: true }]);
    if (v !== "ok" || !at.value) return null;
    return { at: fromLocalInput(at.value) };
  }
  if (action === "unpublish" || action === "archive") {
    const v = await dialog(t("wf." + action + "Title"), el("p", {}, t("wf." + action + "Confirm")),
      [{ label: t("cancel"), value: "" }, { label: t("wf." + action), value: "ok", primary: true }]);
    return v === "ok" ? {} : null;
  }
  return {};
}

// workflowBar is the bar for item of kind. confirm (optional) asks the
// screen's own question before a step and answers whether to go on;
// beforeStep (optional) runs first and answers the item to step from (an
// editor saves what is typed); onChange gets the item after each step.
export function workflowBar(kind, item, { onChange = () => {}, beforeStep = async () => item, confirm = async () => true } = {}) {
  const bar = el("div", { class: "workflow", role: "group", "aria-label": t("wf.label") });
  const problem = el("p", { class: "error", role: "alert" });
  const render = (it) => {
    const me = state.user ? state.user.id : "";
    const info = [statusTag(it.status)];
    if (it.live) info.push(" ", el("span", { class: "tag" }, t("wf.live")));
    if (it.schedule) info.push(" ", el("span", { class: "muted wf-when" }, t("wf.scheduledFor", { time: when(it.schedule.at) })));
    if (it.review_note) info.push(" ", el("span", { class: "muted" }, t("wf.reviewNote", { note: it.review_note })));
    if (it.schedule_error) info.push(" ", el("span", { class: "error" }, it.schedule_error));
    if (it.live && it.url) info.push(" ", el("a", { href: it.url, target: "_blank", rel: "noopener" }, t("wf.onSite")));
    if (it.live || it.reads) info.push(" ", el("span", { class: "muted wf-reads" }, readCount(it.reads)));
    fill(bar, el("span", { class: "wf-state" }, info),
      available(it, me).map((action) => el("button", { type: "button", "data-action": action,
        class: action === "publish" || action === "submit" || action === "approve" ? "primary" : false,
        on: { click: async (ev) => {
          const extra = await ask(action, it, confirm);
          if (!extra) return;
          ev.target.disabled = true;
          problem.textContent = "";
          try {
            const base = await beforeStep();
            const next = await call("POST", `/${kind}/${base.id}/${action}`, { version: base.version, ...extra });
            say(t("wf.done." + action));
            render(next);
            onChange(next);
          } catch (e) {
            ev.target.disabled = false;
            problem.textContent = t("error", { message: errorText(e) });
          }
        } } }, t("wf." + action))), problem);
  };
  render(item);
  bar.update = render;
  return bar;
}
