// The dashboard's sample content card (administrators only): on a site
// with no stories, the offer to load the samples; while they are loaded,
// the way to remove them (after a confirmation).

import { t, el, say, call, can, when, dialog, problemText } from "./core.js";

// sampleCard answers the card, or null when there is nothing to offer.
// done is called after a load or a removal (the dashboard redraws).
export async function sampleCard(done) {
  if (!can("admin")) return null;
  let st;
  try { st = await call("GET", "/sample"); } catch { return null; }
  if (!st.loaded && !st.empty) return null;
  const act = async (ev, run) => {
    ev.target.disabled = true;
    try {
      if (await run() === false) { ev.target.disabled = false; return; }
      done();
    }
    catch (e) { say(t("error", { message: problemText(e.message) })); ev.target.disabled = false; }
  };
  if (!st.loaded) {
    return el("section", { class: "card sample-card", id: "sample", "aria-labelledby": "sample-h" },
      el("h2", { id: "sample-h" }, t("sample.emptyTitle")),
      el("p", {}, t("sample.emptyText")),
      el("button", { type: "button", class: "primary", on: { click: (ev) => act(ev, async () => {
        say(t("sample.loading"));
        await call("POST", "/sample");
        say(t("sample.loaded"));
      }) } }, t("sample.load")));
  }
  return el("section", { class: "card sample-card", id: "sample", "aria-labelledby": "sample-h" },
    el("h2", { id: "sample-h" }, t("sample.loadedTitle")),
    el("p", {}, t("sample.loadedText", { by: st.loaded_by, at: when(st.loaded_at), items: st.items })),
    el("p", {}, el("a", { href: "/", target: "_blank" }, t("sample.openSite"))),
    el("button", { type: "button", on: { click: (ev) => act(ev, async () => {
      const ok = await dialog(t("sample.confirmTitle"), el("p", {}, t("sample.confirmText")),
        [{ label: t("sample.cancel"), value: "no" }, { label: t("sample.confirm"), value: "yes", primary: true }]);
      if (ok !== "yes") return false;
      const r = await call("DELETE", "/sample");
      say(t("sample.removed", { items: r.items, assets: r.assets }) + (r.kept.length ? " " + t("sample.kept", { list: r.kept.join("；") }) : ""));
    }) } }, t("sample.remove")));
}
