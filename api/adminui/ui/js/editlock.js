// The edit lock every kind's editor holds while it is open: taken on
// opening, renewed every minute (the lock lasts five), given back on
// leaving: by the in-app router, and when the tab goes (closed, reloaded,
// left by a full page load) by a keepalive request on pagehide, so a
// colleague opening the item a moment later need not take it over. While
// someone else holds the lock the editor is read-only and a banner says
// who, with takeover for publishers and "try again". When the lock was
// mine and a publisher took it over, the banner says who and when, and
// keeps what I had not saved in a box to copy (as WordPress's post-lock
// dialog tells the displaced author who took over).

import { t, el, fill, call, sendAsTabGoes, when, go, problemText } from "./core.js";
import { isPublisher } from "./workflow.js";

const heartbeat = 60 * 1000;

// editLock is the lock of item id of kind. readOnly(on) is told whenever
// the editor must stop or may go on taking edits; note() (optional) adds
// a line to the banner while someone else holds the lock (what of the
// user's text is kept); unsaved() (optional) answers the user's text the
// server does not have, shown to copy after a takeover. The answer has
// the banner to place, take (also after a save was refused), release and
// stop (leave the lock to lapse).
export function editLock(kind, id, { readOnly, note = () => "", unsaved = () => "" }) {
  const banner = el("div", { class: "lock-banner", hidden: true });
  const path = `/${kind}/${id}/lock`;
  // taking: a request for the lock is on its way (the server may have
  // granted it before its answer reaches this page).
  let beat = 0, held = false, gone = false, taking = false;
  const show = (...children) => {
    const nodes = children.flat().filter((c) => c != null && c !== false && c !== "");
    fill(banner, nodes);
    banner.hidden = nodes.length === 0;
  };
  async function take(takeover = false) {
    taking = true;
    try {
      const l = await call("POST", path, takeover ? { takeover: true } : undefined);
      taking = false;
      held = true;
      readOnly(false);
      show(l.taken_from_name ? el("p", {}, t("lock.tookOver", { name: l.taken_from_name })) : null);
      clearInterval(beat);
      beat = setInterval(() => take(), heartbeat);
      return true;
    } catch (e) {
      taking = false;
      if (e.status === 409 || e.status === 423) return !(await check());
      if (e.status === 403) { held = false; clearInterval(beat); readOnly(true); show(el("p", {}, problemText(e.message))); return false; }
      throw e;
    }
  }
  // check shows who holds the lock when it is not ours; it answers
  // whether someone else has it.
  async function check() {
    let l = null;
    try { l = await call("GET", path); } catch (_) { l = null; }
    if (!l || l.mine) return false;
    held = false;
    clearInterval(beat);
    readOnly(true);
    const again = [
      isPublisher() ? el("button", { type: "button", class: "primary lock-takeover", on: { click: () => take(true) } }, t("lock.takeover")) : null,
      el("button", { type: "button", on: { click: () => take() } }, t("lock.tryAgain"))];
    if (l.taken_from_me) show(takenOver(l), again);
    else show(el("p", {}, t("lock.heldBy", { name: l.holder_name, time: when(l.expires_at, { timeStyle: "short" }) }), " ", note()), again);
    return true;
  }
  // takenOver says who took my lock and when, and keeps my unsaved text
  // to copy: the form now follows the new holder, not me.
  function takenOver(l) {
    const text = unsaved();
    const time = when(l.taken_at, { timeStyle: "short" });
    const head = el("p", { class: "lock-taken", role: "alert" }, el("strong", {}, t("lock.takenOver", { name: l.holder_name, time })), " ",
      text ? t("lock.keptBelow") : t("lock.allSaved"));
    if (!text) return [head, el("button", { type: "button", on: { click: () => go(location.pathname, { replace: true }) } }, t("lock.reload"))];
    const box = el("textarea", { class: "lock-kept", id: "lock-kept-" + id, readonly: true, rows: "6", props: { value: text } });
    const copied = el("span", { class: "muted", role: "status" });
    const copy = el("button", { type: "button", class: "lock-copy", on: { click: async () => {
      box.focus(); box.select();
      try { await navigator.clipboard.writeText(text); } catch (_) { document.execCommand("copy"); }
      copied.textContent = t("lock.copied");
    } } }, t("lock.copy"));
    return [head, el("label", { for: box.id }, t("lock.mineUnsaved")), box,
      el("p", {}, copy, " ", el("button", { type: "button", on: { click: () => go(location.pathname, { replace: true }) } }, t("lock.reload")), " ", copied)];
  }
  // When the tab goes, the lock goes back with a request that outlives
  // the page; should the page come back from the back-forward cache, it
  // takes the lock again.
  // A tab closed while its request for the lock is on the way gives the
  // lock back too: the server may have granted it already.
  const onHide = () => {
    if (!held && !taking) return;
    clearInterval(beat);
    held = false;
    gone = true;
    sendAsTabGoes("DELETE", path);
  };
  const onShow = (ev) => { if (ev.persisted && gone) { gone = false; take().catch(() => {}); } };
  window.addEventListener("pagehide", onHide);
  window.addEventListener("pageshow", onShow);
  function stop() { clearInterval(beat); }
  function release() {
    stop();
    window.removeEventListener("pagehide", onHide);
    window.removeEventListener("pageshow", onShow);
    if (held) call("DELETE", path).catch(() => {});
    held = false;
  }
  return { banner, take, check, stop, release, show };
}
