// The story editor's channels: where a published story goes besides the
// website (the 公众号), with each channel's latest job: waiting, a draft
// in the 公众号's 草稿箱, published with its link, waiting for a person
// (the reason, and what to do) or failed (the reason, and a retry); a
// 群发 is sent only after a person confirms it in a dialog.

import { t, el, fill, call, say, can, dialog, errorText, problemText, when } from "./core.js";

// channelsPanel is the fieldset of the story's channels. chosen() gives
// the channels ticked; onToggle is called when a box changes; refresh
// reads the story again after a step on a job.
export function channelsPanel(item, { onToggle, refresh }) {
  const box = el("fieldset", { class: "channels", id: "st-channels" });
  let boxes = {};
  const render = (it) => {
    const choices = (it && it.channel_choices) || [];
    if (!it || choices.length === 0) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const chosen = it.channels || [];
    boxes = Object.fromEntries(choices.map((c) => [c, el("input", { type: "checkbox", id: "st-channel-" + c,
      props: { checked: chosen.includes(c) }, on: { change: () => onToggle() } })]));
    const states = Object.fromEntries((it.syndication || []).map((s) => [s.name, s]));
    fill(box, el("legend", {}, t("oa.channels")), choices.map((c) => el("div", { class: "channel", "data-channel": c },
      el("div", { class: "oa-choice" }, boxes[c], el("label", { for: "st-channel-" + c }, t("oa.sendTo." + c))),
      el("p", { class: "hint" }, t("oa.hint." + c)),
      states[c] && chosen.includes(c) ? jobBox(states[c], refresh) : null)));
  };
  render(item);
  return {
    el: box,
    render,
    // chosen is the channels ticked, or null before the story offers any
    // (a new story takes the site's default).
    chosen: () => box.hidden ? null : Object.keys(boxes).filter((c) => boxes[c].checked),
    disable: (on) => { for (const b of Object.values(boxes)) b.disabled = on; },
  };
}

// stateText is a job's state as staff read it.
function stateText(st) {
  if (st.state === "done") return st.post_url ? t("oa.state.published") : t("oa.state.draft");
  if (st.state === "waiting_person" && st.confirm) return t("oa.state.confirm");
  return t("oa.state." + st.state);
}

function jobBox(st, refresh) {
  const parts = [el("p", { class: "oa-job" },
    el("span", { class: "tag oa-state-" + st.state, id: "st-oa-state" }, t("channel." + st.name) + "：" + stateText(st)),
    st.revision ? el("span", { class: "muted" }, " " + t("oa.revision", { n: st.revision })) : null,
    st.attempts ? el("span", { class: "muted" }, " " + t("oa.attempts", { n: st.attempts })) : null,
    st.updated_at ? el("span", { class: "muted" }, " " + when(st.updated_at)) : null)];
  if (st.post_url) parts.push(el("p", {}, el("a", { href: st.post_url, target: "_blank", rel: "noopener", id: "st-oa-link" }, t("oa.articleLink"))));
  if (st.note) parts.push(el("p", { class: st.state === "waiting_person" ? "oa-note warn" : "oa-note muted", id: "st-oa-note" }, st.note));
  if (st.last_error) parts.push(el("p", { class: "error", id: "st-oa-error" }, t("oa.lastError", { error: problemText(st.last_error) })));
  const act = (action, label, id, confirmFirst) => el("button", { type: "button", id, on: { click: async (ev) => {
    if (confirmFirst && !(await confirmFirst())) return;
    ev.target.disabled = true;
    try { await call("POST", `/jobs/${st.job}/${action}`); say(t("oa.did." + action)); await refresh(); }
    catch (e) { ev.target.disabled = false; say(t("error", { message: errorText(e) })); }
  } } }, label);
  if (can("admin", "publisher") && st.job) {
    const buttons = [];
    if (st.state === "failed" || (st.state === "waiting_person" && !st.confirm)) buttons.push(act("retry", t("retry"), "st-oa-retry"));
    if (st.confirm) {
      buttons.push(act("confirm", t("oa.confirmMass"), "st-oa-confirm", async () => await dialog(t("oa.massTitle"),
        el("p", {}, t("oa.massText")), [{ label: t("cancel"), value: "" }, { label: t("oa.massGo"), value: "ok", primary: true }]) === "ok"));
    }
    if (st.state === "waiting_person") {
      buttons.push(act("done", st.confirm ? t("oa.noMass") : t("oa.markDone"), "st-oa-done"));
    }
    if (buttons.length) parts.push(el("p", { class: "oa-actions" }, buttons.flatMap((b) => [b, " "])));
  }
  return el("div", { class: "oa-job-box card", "aria-live": "polite" }, parts);
}
