// The pages screens (关于我们, 联系我们, 办事指南): the list, and the story
// editor (stories.js) without a column, tags or cover.

import { t, el, call, say, page, route, navItem, go, link, when, statusTag, errorText } from "./core.js";
import { editorPage, revisionsPage } from "./stories.js";
import { bulkList } from "./bulk.js";

const pagesKind = { kind: "pages", story: false, api: "/pages/", admin: "/admin/pages/",
  fields: ["title", "summary", "body"], title: "pg.title", new: "pg.new", edit: "pg.edit" };

navItem("/admin/pages", "pg.menu", ["admin", "publisher", "editor"], 15);
route(/^\/admin\/pages$/, (_, q) => listPage(q));
route(/^\/admin\/pages\/new$/, () => editorPage(null, pagesKind));
route(/^\/admin\/pages\/([0-9a-z]+)\/revisions$/, (m) => revisionsPage(m[1], pagesKind));
route(/^\/admin\/pages\/([0-9a-z]+)$/, (m) => editorPage(m[1], pagesKind));

async function listPage(q) {
  const status = q.get("status") || "", cursor = q.get("cursor") || "";
  await page(t("pg.title"), async () => {
    const params = new URLSearchParams({ limit: "50" });
    if (status === "trash") params.set("trashed", "true"); else if (status) params.set("status", status);
    if (cursor) params.set("cursor", cursor);
    const r = await call("GET", "/pages?" + params);
    const filter = el("nav", { class: "kinds", "aria-label": t("st.status") }, ["", "draft", "in_review", "published", "trash"].map((s) =>
      el("a", { href: "/admin/pages" + (s ? "?status=" + s : ""), "aria-current": s === status ? "page" : false },
        s === "trash" ? t("st.trash") : s ? t("status." + s) : t("st.anyStatus"))));
    return [
      el("p", {}, el("a", { href: "/admin/pages/new", class: "button primary" }, t("pg.new"))),
      filter,
      r.items.length ? bulkList("pages", el("table", { class: "list" },
        el("caption", { class: "visually-hidden" }, t("pg.title")),
        el("thead", {}, el("tr", {}, [t("st.colTitle"), t("pg.address"), t("st.status"), t("st.updated")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, r.items.map((p) => el("tr", {},
          el("td", {}, link("/admin/pages/" + p.id, p.title || t("st.untitled"))),
          el("td", {}, p.live ? el("a", { href: "/pages/" + p.slug }, "/pages/" + p.slug) : "/pages/" + p.slug),
          el("td", {}, statusTag(p.status)),
          el("td", {}, when(p.updated_at), p.trashed_at ? el("button", { type: "button", class: "restore", on: { click: async (ev) => {
            ev.target.disabled = true;
            try { await call("POST", `/pages/${p.id}/restore`, { version: p.version }); say(t("st.restoredFromTrash")); go("/admin/pages/" + p.id); }
            catch (e) { ev.target.disabled = false; say(t("error", { message: errorText(e) })); }
          } } }, t("st.restoreFromTrash")) : null))))), r.items, (p) => p.title || t("st.untitled")) : el("p", { class: "muted" }, t("none")),
      r.next_cursor ? el("p", {}, link("/admin/pages?" + new URLSearchParams({ status, cursor: r.next_cursor }), t("st.more"))) : null,
    ];
  });
}
