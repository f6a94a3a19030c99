// The site's menu and the office's phone number (administrators): the
// entries in their order, each a column, a page, the lecture or video
// section, or an outside link, with its label.

import { t, el, fill, field, call, say, page, route, navItem, errorText, fieldName } from "./core.js";

navItem("/admin/site", "site.menu", ["admin"], 60);
route(/^\/admin\/site$/, () => sitePage());

const kinds = ["column", "page", "lectures", "videos", "link"];

async function sitePage() {
  await page(t("site.title"), async () => {
    const [settings, cols, pages] = await Promise.all([call("GET", "/site"), call("GET", "/columns").then((r) => r.items),
      call("GET", "/pages?status=published&limit=100").then((r) => r.items)]);
    let version = settings.version;
    const rows = el("ol", { class: "menu-entries" });
    const problem = el("p", { class: "error", role: "alert" });
    const phone = el("input", { id: "site-phone", type: "tel", maxlength: "40", props: { value: settings.phone } });

    const targetFor = (kind, value) => {
      if (kind === "column") return el("select", { class: "target" }, cols.map((c) => el("option", { value: c.key, selected: c.key === value }, c.name)));
      if (kind === "page") return el("select", { class: "target" }, pages.map((p) => el("option", { value: p.slug, selected: p.slug === value }, p.title)));
      if (kind === "link") return el("input", { class: "target", type: "url", placeholder: "https://", props: { value: value || "" } });
      return el("span", { class: "target muted" }, t("site.noTarget"));
    };
    const row = (e) => {
      const kind = el("select", { class: "kind", on: { change: () => { const next = targetFor(kind.value, ""); li.querySelector(".target").replaceWith(next); } } },
        kinds.map((k) => el("option", { value: k, selected: k === e.kind }, t("site.kind." + k))));
      const label = el("input", { class: "label", maxlength: "12", placeholder: t("site.labelHint"), props: { value: e.label || "" } });
      const move = (d) => () => {
        const sib = d < 0 ? li.previousElementSibling : li.nextElementSibling;
        if (sib) (d < 0 ? sib.before(li) : sib.after(li));
      };
      const li = el("li", { class: "card menu-entry" },
        el("label", {}, t("site.kind"), kind), el("label", {}, t("site.target"), targetFor(e.kind, e.target)), el("label", {}, t("site.label"), label),
        el("button", { type: "button", "aria-label": t("site.up"), on: { click: move(-1) } }, "↑"),
        el("button", { type: "button", "aria-label": t("site.down"), on: { click: move(1) } }, "↓"),
        el("button", { type: "button", on: { click: () => li.remove() } }, t("site.remove")));
      return li;
    };
    fill(rows, settings.menu.map(row));
    const entries = () => [...rows.children].map((li) => {
      const target = li.querySelector(".target");
      return { kind: li.querySelector(".kind").value, target: target.value || "", label: li.querySelector(".label").value.trim() };
    });
    const save = async (ev) => {
      ev.preventDefault();
      problem.textContent = "";
      try {
        const next = await call("PUT", "/site", { menu: entries(), phone: phone.value.trim(), version: version || undefined });
        version = next.version;
        say(t("site.saved"));
      } catch (e) {
        const errs = (e.problem && e.problem.errors) || [];
        problem.textContent = errs.length ? errs.map((f) => fieldLabel(f.field) + t("fieldSep") + errorText({ message: f.message })).join("；") : errorText(e);
      }
    };
    return el("form", { class: "site-settings", on: { submit: save } },
      el("p", { class: "muted" }, settings.custom ? "" : t("site.default")),
      el("h2", {}, t("site.menuHeading")), rows,
      el("p", {}, el("button", { type: "button", id: "site-add", on: { click: () => rows.append(row({ kind: "link", target: "", label: "" })) } }, t("site.add"))),
      field(t("site.phone"), phone, t("site.phoneHint")),
      problem,
      el("p", {}, el("button", { type: "submit", class: "primary" }, t("site.save"))));
  });
}

// fieldLabel names a field of the form: "menu[2].target" is 第 3 项的链接目标.
function fieldLabel(f) {
  const m = /^menu\[(\d+)\]\.(\w+)$/.exec(f);
  return m ? t("site.entry", { n: Number(m[1]) + 1 }) + t("site." + m[2]) : fieldName(f);
}
