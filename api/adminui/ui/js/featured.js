// The home page's pinned stories (首页置顶): publishers and administrators
// pin published stories, order them with 上移 / 下移 buttons (keyboard
// first, no dragging needed), give each an end or none, and save the
// list as one change; editors see it read-only.

import { t, el, field, call, say, page, route, navItem, go, link, when, can, errorText, fromLocalInput, localInput } from "./core.js";

navItem("/admin/featured", "ft.menu", ["admin", "publisher", "editor"], 11);
route(/^\/admin\/featured$/, () => featuredPage());

const maxPins = 6;

async function featuredPage() {
  await page(t("ft.title"), async () => {
    const [current, published] = await Promise.all([call("GET", "/featured"),
      call("GET", "/stories?status=published&limit=100").then((r) => r.items).catch(() => [])]);
    const mayChange = can("admin", "publisher");
    // The working list: what is saved, less pins that ended (saving keeps
    // no pin whose end has passed; they are shown as ended until then).
    let pins = current.pins.map((p) => ({ ...p }));
    let version = current.version;
    const list = el("ol", { class: "pins", id: "ft-pins", "aria-label": t("ft.title") });
    const problem = el("p", { class: "error", role: "alert" });
    const focusAfter = { i: -1, what: "" };

    const why = (p) => p.shown ? "" : t("ft.why." + (p.why || "expired"));
    function draw() {
      list.replaceChildren(...pins.map((p, i) => {
        const until = el("input", { type: "datetime-local", id: `ft-until-${i}`, disabled: !mayChange, props: { value: localInput(p.until) },
          on: { change: () => { p.until = until.value ? fromLocalInput(until.value) : null; } } });
        const button = (what, label, disabled, fn) => el("button", { type: "button", class: "ft-" + what, disabled: disabled || !mayChange,
          "aria-label": label + "：" + (p.title || p.story_id), on: { click: () => { fn(); focusAfter.i = i; focusAfter.what = what; draw(); } } }, label);
        return el("li", { class: "pin-row" + (p.shown ? "" : " ended"), "data-id": p.story_id },
          el("span", { class: "pin-title" }, p.url ? link(new URL(p.url, location.href).pathname, p.title) : (p.title || p.story_id),
            p.shown ? null : el("span", { class: "muted" }, "（" + why(p) + "）")),
          field(t("ft.until"), until, t("ft.untilHint")),
          el("span", { class: "pin-actions" },
            button("up", t("ft.up"), i === 0, () => { [pins[i - 1], pins[i]] = [pins[i], pins[i - 1]]; }),
            button("down", t("ft.down"), i === pins.length - 1, () => { [pins[i + 1], pins[i]] = [pins[i], pins[i + 1]]; }),
            button("remove", t("ft.remove"), false, () => { pins.splice(i, 1); })));
      }));
      if (!pins.length) list.append(el("li", { class: "muted" }, t("ft.none")));
      // Keep the keyboard where it was: on the moved row's same button.
      if (focusAfter.what) {
        let i = focusAfter.i;
        if (focusAfter.what === "up") i = Math.max(0, i - 1);
        if (focusAfter.what === "down") i = Math.min(pins.length - 1, i + 1);
        const row = list.children[Math.min(i, list.children.length - 1)];
        const target = row && (row.querySelector(`.ft-${focusAfter.what}:not([disabled])`) || row.querySelector("button:not([disabled])"));
        (target || save).focus();
        focusAfter.what = "";
      }
      add.disabled = !mayChange || pins.length >= maxPins;
      fillChoices();
    }

    const choose = el("select", { id: "ft-add" });
    function fillChoices() {
      const taken = new Set(pins.map((p) => p.story_id));
      choose.replaceChildren(el("option", { value: "" }, t("ft.choose")),
        ...published.filter((s) => !taken.has(s.id)).map((s) => el("option", { value: s.id }, s.title)));
    }
    const add = el("button", { type: "button", id: "ft-add-button", on: { click: () => {
      const s = published.find((x) => x.id === choose.value);
      if (!s) return;
      pins.push({ story_id: s.id, title: s.title, url: s.url, shown: true, until: null });
      focusAfter.i = pins.length - 1; focusAfter.what = "up";
      draw();
    } } }, t("ft.add"));
    const save = el("button", { type: "button", class: "primary", id: "ft-save", disabled: !mayChange, on: { click: async () => {
      problem.textContent = "";
      const now = Date.now();
      const keep = pins.filter((p) => !p.until || new Date(p.until).getTime() > now || p.shown);
      try {
        const r = await call("PUT", "/featured", { version, pins: keep.map((p) => ({ story_id: p.story_id, until: p.until || null })) });
        version = r.version;
        pins = r.pins.map((p) => ({ ...p }));
        draw();
        say(t("ft.saved"));
      } catch (e) {
        problem.textContent = e.status === 409 ? t("ft.conflict") : errorText(e);
      }
    } } }, t("ft.save"));

    draw();
    return [
      el("p", {}, t(mayChange ? "ft.intro" : "ft.readOnly", { n: maxPins })),
      current.updated_at ? el("p", { class: "muted" }, t("ft.updated", { time: when(current.updated_at), who: current.updated_by || "" })) : null,
      list,
      mayChange ? el("div", { class: "row ft-add-row" }, field(t("ft.addLabel"), choose), add) : null,
      problem,
      mayChange ? el("p", {}, save, " ", el("button", { type: "button", on: { click: () => go("/admin/featured") } }, t("ft.reload"))) : null,
    ];
  });
}
