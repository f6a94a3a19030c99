// Print: the QR code of an item's page (PNG for documents and
// WeChat, SVG for print shops) and, for a session, its A4 notice as a
// picture, downloaded from the admin API. The notice is fetched first,
// so a server without a Chinese font says so in words here rather than
// saving an error as a file.

import { t, el, errorText, APIError, api } from "./core.js";

// printLinks is the editor's 二维码与海报 section for an item of kind
// ("stories", "lectures", "videos"); live says whether readers can open
// the page the code leads to yet.
export function printLinks(kind, item) {
  const base = `${api}/${kind}/${item.id}`;
  const problem = el("p", { class: "error", role: "alert" });
  const links = [
    el("a", { class: "print-download", href: base + "/qr.png", download: item.slug + "-qr.png", id: "print-qr-png" }, t("print.qrPNG")),
    el("a", { class: "print-download", href: base + "/qr.svg", download: item.slug + "-qr.svg", id: "print-qr-svg" }, t("print.qrSVG")),
  ];
  if (kind === "lectures") {
    links.push(el("button", { type: "button", class: "print-download", id: "print-notice", on: { click: async (ev) => {
      const button = ev.currentTarget;
      problem.textContent = "";
      button.disabled = true;
      try {
        const res = await fetch(base + "/notice.png", { credentials: "same-origin" });
        if (!res.ok) throw new APIError(res.status, await res.json().catch(() => null));
        const url = URL.createObjectURL(await res.blob());
        const a = el("a", { href: url, download: item.slug + "-notice.png", hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } catch (e) {
        problem.textContent = t("print.noticeFailed") + errorText(e);
      } finally {
        button.disabled = false;
      }
    } } }, t("print.notice")));
  }
  return el("section", { class: "card print-links", "aria-labelledby": "print-h" },
    el("h2", { id: "print-h" }, t("print.title")),
    el("p", { class: "hint" }, t(kind === "lectures" ? "print.lectureHint" : "print.hint")),
    item.live ? null : el("p", { class: "hint", id: "print-not-live" }, t("print.notLive")),
    el("p", { class: "print-row" }, ...links),
    problem);
}
