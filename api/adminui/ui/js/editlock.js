// The edit lock every kind's editor holds while it is open: taken on
// opening, renewed every minute (the lock lasts five), given back on
// leaving. While someone else holds it the editor is read-only and a
// banner says who, with takeover for publishers and "try again".

import { t, el, fill, call, when, problemText } from "./core.js";
import { isPublisher } from "./workflow.js";

const heartbeat = 60 * 1000;

// editLock is the lock of item id of kind. readOnly(on) is told whenever
// the editor must stop or may go on taking edits; note() (optional) adds
// a line to the banner while someone else holds the lock (what of the
// user's text is kept). The answer has the banner to place, take (also
// after a save was refused), release and stop (leave the lock to lapse).
export function editLock(kind, id, { readOnly, note = () => "" }) {
  const banner = el("div", { class: "lock-banner", hidden: true });
  let beat = 0, held = false;
  const show = (...children) => {
    const nodes = children.flat().filter((c) => c != null && c !== false && c !== "");
    fill(banner, nodes);
    banner.hidden = nodes.length === 0;
  };
  async function take(takeover = false) {
    try {
      const l = await call("POST", `/${kind}/${id}/lock`, takeover ? { takeover: true } : undefined);
      held = true;
      readOnly(false);
      show(l.taken_from_name ? el("p", {}, t("lock.tookOver", { name: l.taken_from_name })) : null);
      clearInterval(beat);
      beat = setInterval(() => take(), heartbeat);
      return true;
    } catch (e) {
      if (e.status === 409 || e.status === 423) return !(await check());
      if (e.status === 403) { held = false; readOnly(true); show(el("p", {}, problemText(e.message))); return false; }
      throw e;
    }
  }
  // check shows who holds the lock when it is not ours; it answers
  // whether someone else has it.
  async function check() {
    let l = null;
    try { l = await call("GET", `/${kind}/${id}/lock`); } catch (_) { l = null; }
    if (!l || l.mine) return false;
    held = false;
    clearInterval(beat);
    readOnly(true);
    show(el("p", {}, t("lock.heldBy", { name: l.holder_name, time: when(l.expires_at, { timeStyle: "short" }) }), " ", note()),
      isPublisher() ? el("button", { type: "button", class: "primary lock-takeover", on: { click: () => take(true) } }, t("lock.takeover")) : null,
      el("button", { type: "button", on: { click: () => take() } }, t("lock.tryAgain")));
    return true;
  }
  function stop() { clearInterval(beat); }
  function release() {
    stop();
    if (held) call("DELETE", `/${kind}/${id}/lock`).catch(() => {});
    held = false;
  }
  return { banner, take, check, stop, release, show };
}
