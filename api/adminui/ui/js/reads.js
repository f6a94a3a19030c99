// The office's read-count report (阅读统计): every item read between two
// days (Beijing time, both included), most read first, with its reads in
// those days and in all, and the same as a spreadsheet to download. The
// days are in the address (?from=&to=), so a colleague opened on the
// link sees the same report.

import { api, t, el, field, call, page, route, navItem, go, link } from "./core.js";

navItem("/admin/reads", "rd.menu", [], 60);
route(/^\/admin\/reads$/, (_, q) => readsPage(q.get("from") || "", q.get("to") || ""));

// beijingDate is a time's date in Beijing time (2026-12-07).
function beijingDate(ms) {
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// presets are the spans an office reports on: this week and month, the
// last ones, this year so far.
function presets() {
  const today = beijingDate(Date.now());
  const [y, m] = today.split("-").map(Number);
  const day = new Date(today + "T00:00:00Z");
  const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86400000);
  const iso = (d) => d.toISOString().slice(0, 10);
  const lastMonthEnd = new Date(Date.UTC(y, m - 1, 0));
  return [
    ["rd.thisWeek", iso(monday), today],
    ["rd.lastWeek", iso(new Date(monday.getTime() - 7 * 86400000)), iso(new Date(monday.getTime() - 86400000))],
    ["rd.thisMonth", today.slice(0, 8) + "01", today],
    ["rd.lastMonth", iso(new Date(Date.UTC(y, m - 2, 1))), iso(lastMonthEnd)],
    ["rd.thisYear", `${y}-01-01`, today],
  ];
}

async function readsPage(from, to) {
  await page(t("rd.title"), async () => {
    const q = new URLSearchParams();
    if (from) q.set("from", from);
    if (to) q.set("to", to);
    const qs = q.toString() ? "?" + q : "";
    const r = await call("GET", "/reads" + qs);
    const fromIn = el("input", { type: "date", id: "rd-from", required: true, props: { value: r.from } });
    const toIn = el("input", { type: "date", id: "rd-to", required: true, props: { value: r.to } });
    const show = (f, tt) => go(`/admin/reads?from=${f}&to=${tt}`);
    const form = el("form", { class: "filters rd-form", on: { submit: (ev) => { ev.preventDefault(); show(fromIn.value, toIn.value); } } },
      field(t("rd.from"), fromIn), field(t("rd.to"), toIn),
      el("button", { type: "submit", class: "primary" }, t("rd.show")));
    const quick = el("p", { class: "rd-presets" }, presets().map(([key, f, tt]) =>
      el("button", { type: "button", "aria-pressed": String(f === r.from && tt === r.to), on: { click: () => show(f, tt) } }, t(key))));
    const rows = r.items.map((it, i) => el("tr", {},
      el("td", {}, String(i + 1)), el("td", {}, it.label),
      el("td", {}, link(`/admin/${it.kind}/${it.id}`, it.title || "—")),
      el("td", { class: "num" }, it.reads.toLocaleString("en-US")), el("td", { class: "num" }, it.total.toLocaleString("en-US"))));
    const csv = el("a", { class: "rd-download", href: `${api}/reads.csv?from=${r.from}&to=${r.to}`, download: "" }, t("rd.download"));
    return el("div", {},
      el("p", { class: "hint" }, t("rd.hint")),
      form, quick,
      el("h2", { id: "rd-span" }, t("rd.span", { from: r.from, to: r.to }), " ", el("span", { class: "count" }, t("rd.sum", { n: r.sum.toLocaleString("en-US") }))),
      r.cut ? el("p", { class: "hint" }, t("rd.cut", { n: r.items.length })) : null,
      r.items.length ? el("table", { class: "list", "aria-labelledby": "rd-span" },
        el("thead", {}, el("tr", {}, ["rd.no", "rd.kind", "rd.item", "rd.reads", "rd.total"].map((k, i) => el("th", { scope: "col", class: i > 2 ? "num" : "" }, t(k))))),
        el("tbody", {}, rows)) : el("p", { class: "muted" }, t("rd.none")),
      r.items.length ? el("p", {}, csv) : null);
  });
}
