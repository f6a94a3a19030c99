// The account page of every signed-in user (my sessions, my password, my
// API tokens) and the administrators' screens: users and roles, columns
// (栏目), the audit log, the webhook endpoints, export and import.

import { state, t, el, field, say, call, send, page, route, navItem, go, link, when, fromLocalInput, localInput, dialog, can, api, fieldName, problemText } from "./core.js";

// ---- shared pieces -------------------------------------------------------

// alertBox is where a form's failure is told (a live region).
const alertBox = () => el("p", { class: "error", role: "alert" });

// showError tells a failure in box, and marks each control the server
// named (controls: field name -> control) with its message beside it.
function showError(box, e, controls = {}) {
  for (const c of Object.values(controls)) {
    c.removeAttribute("aria-invalid");
    const old = document.getElementById(c.id + "-err");
    if (old) old.remove();
  }
  const fields = (e.problem && e.problem.errors) || [];
  const rest = [];
  let placed = 0;
  for (const f of fields) {
    const c = controls[f.field];
    if (!c) { rest.push((f.field ? fieldName(f.field) + t("fieldSep") : "") + problemText(f.message)); continue; }
    placed++;
    c.setAttribute("aria-invalid", "true");
    const msg = el("span", { class: "adm-field-error", id: c.id + "-err" }, problemText(f.message));
    c.insertAdjacentElement("afterend", msg);
    c.setAttribute("aria-describedby", [c.getAttribute("aria-describedby"), msg.id].filter(Boolean).join(" "));
  }
  // Messages beside their fields are not told twice.
  const lead = placed ? t("adm.checkFields") : e.status === 0 ? e.message : t("adm.failed", { message: problemText(e.message) });
  box.textContent = [lead, ...rest].filter(Boolean).join("；");
}

function clearError(box, controls = {}) {
  box.textContent = "";
  for (const c of Object.values(controls)) {
    c.removeAttribute("aria-invalid");
    const old = document.getElementById(c.id + "-err");
    if (old) old.remove();
  }
}

// busy disables a button while work runs.
async function busy(button, work) {
  button.disabled = true;
  try { return await work(); } finally { button.disabled = false; }
}

const button = (label, onClick, attrs = {}) => el("button", { type: "button", ...attrs, on: { click: onClick } }, label);

// table is a data table with a caption (for screen readers) and headers.
function table(caption, heads, rows, empty) {
  if (!rows.length) return el("p", { class: "muted" }, empty || t("none"));
  return el("div", { class: "adm-scroll" }, el("table", { class: "adm-table" },
    el("caption", { class: "visually-hidden" }, caption),
    el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows)));
}

const roleName = (r) => t("adm.role." + r);

// confirmDialog asks a yes-or-no question.
async function confirmDialog(title, text, yes) {
  const v = await dialog(title, el("p", {}, text), [{ label: t("adm.cancel"), value: "no" }, { label: yes, value: "yes", primary: true }]);
  return v === "yes";
}

function agent(ua) {
  if (!ua) return t("adm.unknownDevice");
  const browser = (/(Edg|Chrome|Firefox|Safari)\/[\d.]+/.exec(ua) || [ua.slice(0, 40)])[0];
  const os = (/(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(ua) || [""])[0];
  return [browser, os].filter(Boolean).join(" · ");
}

// ---- 我的账户: sessions, password, tokens --------------------------------

function sessionRows(items, { own, onEnd }) {
  return items.map((s) => el("tr", {},
    el("td", {}, agent(s.user_agent), s.current ? el("span", { class: "tag adm-here" }, " " + t("adm.thisDevice")) : null),
    el("td", {}, s.address || "—"),
    el("td", {}, when(s.created_at)),
    el("td", {}, when(s.last_seen)),
    el("td", {}, s.current && own ? el("span", { class: "muted" }, t("adm.inUse"))
      : button(t("adm.endSession"), (ev) => onEnd(s, ev.target), { "aria-label": t("adm.endSessionOf", { device: agent(s.user_agent), time: when(s.last_seen) }) }))));
}

async function mySessions(box) {
  const r = await call("GET", "/sessions");
  const others = r.items.filter((s) => !s.current).length;
  const err = alertBox();
  const endOne = async (s, b) => busy(b, async () => {
    try { await call("DELETE", "/sessions/" + encodeURIComponent(s.id)); say(t("adm.sessionEnded")); await mySessions(box); }
    catch (e) { showError(err, e); }
  });
  const endOthers = button(t("adm.endOthers"), async (ev) => {
    if (!await confirmDialog(t("adm.endOthers"), t("adm.endOthersWarn"), t("adm.endOthersYes"))) return;
    await busy(ev.target, async () => {
      try { await call("DELETE", "/sessions"); say(t("adm.othersEnded")); await mySessions(box); await myTokens(document.getElementById("adm-tokens")); }
      catch (e) { showError(err, e); }
    });
  }, { disabled: others === 0 });
  box.replaceChildren(el("h2", { id: "adm-sessions-h" }, t("adm.mySessions")),
    el("p", { class: "muted" }, t("adm.sessionsHint")),
    table(t("adm.mySessions"), [t("adm.device"), t("adm.address"), t("adm.signedInAt"), t("adm.lastSeen"), t("adm.actions")],
      sessionRows(r.items, { own: true, onEnd: endOne })),
    el("div", { class: "adm-actions" }, endOthers), err);
}

function passwordForm() {
  const current = el("input", { type: "password", autocomplete: "current-password", required: true, name: "current_password" });
  const next = el("input", { type: "password", autocomplete: "new-password", required: true, name: "password", minlength: "8", maxlength: "256" });
  const again = el("input", { type: "password", autocomplete: "new-password", required: true, name: "password_again" });
  const err = alertBox();
  const controls = { current_password: current, password: next, password_again: again };
  const form = el("form", { class: "adm-form", "aria-labelledby": "adm-password-h", on: { submit: async (ev) => {
    ev.preventDefault();
    clearError(err, controls);
    if (next.value !== again.value) {
      showError(err, { status: 0, message: t("adm.passwordsDiffer"), problem: { errors: [{ field: "password_again", message: t("adm.passwordsDiffer") }] } }, controls);
      again.focus();
      return;
    }
    await busy(form.querySelector("button[type=submit]"), async () => {
      try {
        await call("POST", "/password", { current_password: current.value, password: next.value });
        current.value = next.value = again.value = "";
        say(t("adm.passwordChanged"));
        err.textContent = "";
        form.querySelector(".adm-done").textContent = t("adm.passwordChanged");
        await mySessions(document.getElementById("adm-sessions"));
        await myTokens(document.getElementById("adm-tokens"));
      } catch (e) {
        showError(err, e, controls);
        const bad = form.querySelector("[aria-invalid=true]");
        if (bad) bad.focus();
      }
    });
  } } },
    el("h2", { id: "adm-password-h" }, t("adm.changePassword")),
    el("p", { class: "muted" }, t("adm.passwordRules")),
    field(t("adm.currentPassword"), current),
    field(t("adm.newPassword"), next, t("adm.newPasswordHint")),
    field(t("adm.newPasswordAgain"), again),
    err,
    el("p", { class: "adm-done", role: "status" }),
    el("button", { type: "submit", class: "primary" }, t("adm.savePassword")));
  return form;
}

// showOnce shows a new token's secret in a dialog of its own: copy it,
// and know it is not shown again. Closing it forgets the secret.
function showOnce(secret, name) {
  return new Promise((resolve) => {
    const value = el("input", { id: "adm-secret", readonly: true, props: { value: secret }, class: "adm-secret", spellcheck: "false", autocomplete: "off" });
    const copied = el("p", { role: "status", class: "adm-done" });
    const copy = button(t("adm.copy"), async () => {
      value.select();
      try { await navigator.clipboard.writeText(secret); copied.textContent = t("adm.copied"); }
      catch (_) { copied.textContent = t("adm.copyByHand"); }
    });
    const done = button(t("adm.tokenSaved"), () => d.close(), { class: "primary" });
    const d = el("dialog", { class: "adm-once", "aria-labelledby": "adm-once-h", "aria-describedby": "adm-once-warn" },
      el("h2", { id: "adm-once-h" }, t("adm.tokenCreated", { name })),
      el("p", { id: "adm-once-warn", class: "adm-warn" }, t("adm.tokenOnce")),
      field(t("adm.tokenValue"), value),
      el("div", { class: "actions" }, copy, done), copied);
    d.addEventListener("close", () => { value.value = ""; d.remove(); resolve(); });
    document.body.append(d);
    d.showModal();
    value.focus();
    value.select();
  });
}

function tokenRows(items, onRevoke) {
  return items.map((tk) => el("tr", {},
    el("td", {}, tk.name),
    el("td", {}, t("adm.scope." + tk.scope)),
    el("td", {}, when(tk.created_at)),
    el("td", {}, tk.last_used_at ? when(tk.last_used_at) : t("adm.neverUsed")),
    el("td", {}, button(t("adm.revoke"), (ev) => onRevoke(tk, ev.target), { "aria-label": t("adm.revokeNamed", { name: tk.name }) }))));
}

async function myTokens(box) {
  if (!box) return;
  const r = await call("GET", "/tokens");
  const err = alertBox();
  const name = el("input", { name: "name", maxlength: "60", required: true, autocomplete: "off" });
  const scope = el("select", { name: "scope" }, el("option", { value: "read" }, t("adm.scope.read")), el("option", { value: "write" }, t("adm.scope.write")));
  const controls = { name, scope };
  const revoke = async (tk, b) => {
    if (!await confirmDialog(t("adm.revoke"), t("adm.revokeWarn", { name: tk.name }), t("adm.revoke"))) return;
    await busy(b, async () => {
      try { await call("DELETE", "/tokens/" + encodeURIComponent(tk.id)); say(t("adm.revoked")); await myTokens(box); }
      catch (e) { showError(err, e); }
    });
  };
  const form = el("form", { class: "adm-form adm-inline", "aria-labelledby": "adm-newtoken-h", on: { submit: async (ev) => {
    ev.preventDefault();
    clearError(err, controls);
    await busy(form.querySelector("button[type=submit]"), async () => {
      try {
        const created = await call("POST", "/tokens", { name: name.value, scope: scope.value });
        name.value = "";
        await showOnce(created.token, created.name);
        await myTokens(box);
      } catch (e) { showError(err, e, controls); }
    });
  } } },
    el("h3", { id: "adm-newtoken-h" }, t("adm.newToken")),
    field(t("adm.tokenName"), name, t("adm.tokenNameHint")),
    field(t("adm.tokenScope"), scope),
    el("button", { type: "submit", class: "primary" }, t("adm.createToken")));
  box.replaceChildren(el("h2", {}, t("adm.myTokens")),
    el("p", { class: "muted" }, t("adm.tokensHint")),
    table(t("adm.myTokens"), [t("adm.tokenName"), t("adm.tokenScope"), t("adm.createdAt"), t("adm.lastUsed"), t("adm.actions")],
      tokenRows(r.items, revoke), t("adm.noTokens")),
    form, err);
}

async function accountPage() {
  await page(t("adm.account"), async () => {
    const u = state.user;
    const sessions = el("section", { class: "card", id: "adm-sessions", "aria-labelledby": "adm-sessions-h" });
    const tokens = el("section", { class: "card", id: "adm-tokens" });
    const nodes = [
      el("p", {}, t("adm.whoAmI", { name: u.display_name || u.username, username: u.username, roles: u.roles.map(roleName).join("、") })),
      el("div", { class: "adm-stack" }, sessions, el("section", { class: "card" }, passwordForm()), tokens),
    ];
    await Promise.all([mySessions(sessions), myTokens(tokens)]);
    return nodes;
  });
}

// ---- the administrators' screens ---------------------------------------

const sections = [
  ["/admin/manage/users", "adm.users"],
  ["/admin/manage/columns", "adm.columns"],
  ["/admin/manage/audit", "adm.audit"],
  ["/admin/manage/webhooks", "adm.webhooks"],
  ["/admin/manage/backup", "adm.backup"],
];

// managePage is an administrator's screen under the section menu.
function managePage(title, build) {
  return page(title, async () => {
    const here = location.pathname.replace(/\/+$/, "");
    const sub = el("nav", { class: "adm-sub", "aria-label": t("adm.manage") }, sections.map(([p, k]) =>
      el("a", { href: p, "aria-current": here === p || here.startsWith(p + "/") ? "page" : false }, t(k))));
    const nodes = await build();
    return [sub, ...[nodes].flat(Infinity)];
  });
}

// Users and roles.

function roleBoxes(selected = []) {
  const boxes = {};
  const set = el("fieldset", { class: "adm-roles" }, el("legend", {}, t("adm.roles")),
    ...["admin", "publisher", "editor", "organizer"].map((r) => {
      const c = el("input", { type: "checkbox", name: "roles", value: r, id: "role-" + r + "-" + Math.random().toString(36).slice(2, 7), props: { checked: selected.includes(r) } });
      boxes[r] = c;
      return el("label", { for: c.id, class: "adm-check" }, c, " ", roleName(r), el("span", { class: "muted" }, " — " + t("adm.roleHint." + r)));
    }));
  set.id = "roles-" + Math.random().toString(36).slice(2, 7);
  return { set, value: () => Object.keys(boxes).filter((r) => boxes[r].checked) };
}

function newUserForm(onDone) {
  const username = el("input", { name: "username", required: true, autocomplete: "off", maxlength: "32", spellcheck: "false" });
  const display = el("input", { name: "display_name", maxlength: "40", autocomplete: "off" });
  const password = el("input", { name: "password", type: "password", required: true, autocomplete: "new-password" });
  const roles = roleBoxes(["editor"]);
  const err = alertBox();
  const controls = { username, display_name: display, password, roles: roles.set };
  const form = el("form", { class: "card adm-form", "aria-labelledby": "adm-newuser-h", on: { submit: async (ev) => {
    ev.preventDefault();
    clearError(err, controls);
    await busy(form.querySelector("button[type=submit]"), async () => {
      try {
        const u = await call("POST", "/users", { username: username.value, display_name: display.value, password: password.value, roles: roles.value() });
        username.value = display.value = password.value = "";
        say(t("adm.userCreated", { name: u.username }));
        await onDone(u);
      } catch (e) { showError(err, e, controls); }
    });
  } } },
    el("h2", { id: "adm-newuser-h" }, t("adm.newUser")),
    field(t("username"), username, t("adm.usernameHint")),
    field(t("adm.displayName"), display),
    field(t("adm.initialPassword"), password, t("adm.initialPasswordHint")),
    roles.set, err,
    el("button", { type: "submit", class: "primary" }, t("adm.createUser")));
  return form;
}

async function usersPage() {
  await managePage(t("adm.users"), async () => {
    const r = await call("GET", "/users");
    const rows = r.items.map((u) => el("tr", {},
      el("td", {}, link("/admin/manage/users/" + u.id, u.username)),
      el("td", {}, u.display_name),
      el("td", {}, u.roles.map(roleName).join("、")),
      el("td", {}, u.disabled ? el("span", { class: "tag adm-off" }, t("adm.disabled")) : t("adm.enabled")),
      el("td", {}, when(u.created_at))));
    return [table(t("adm.users"), [t("username"), t("adm.displayName"), t("adm.roles"), t("adm.state"), t("adm.createdAt")], rows),
      newUserForm(() => usersPage())];
  });
}

async function userPage(id) {
  await managePage(t("adm.user"), async () => {
    const u = await call("GET", "/users/" + encodeURIComponent(id));
    const display = el("input", { name: "display_name", maxlength: "40", props: { value: u.display_name } });
    const roles = roleBoxes(u.roles);
    const disabled = el("input", { type: "checkbox", name: "disabled", id: "adm-disabled", props: { checked: u.disabled } });
    const err = alertBox();
    const controls = { display_name: display, roles: roles.set };
    const edit = el("form", { class: "card adm-form", "aria-labelledby": "adm-edituser-h", on: { submit: async (ev) => {
      ev.preventDefault();
      clearError(err, controls);
      await busy(edit.querySelector("button[type=submit]"), async () => {
        try {
          await call("PATCH", "/users/" + u.id, { display_name: display.value, roles: roles.value(), disabled: disabled.checked });
          say(t("adm.userSaved"));
          await userPage(id);
        } catch (e) { showError(err, e, controls); }
      });
    } } },
      el("h2", { id: "adm-edituser-h" }, t("adm.editUser", { name: u.username })),
      field(t("adm.displayName"), display),
      roles.set,
      el("label", { for: "adm-disabled", class: "adm-check" }, disabled, " ", t("adm.disableUser")),
      el("p", { class: "muted" }, t("adm.changeEndsSessions")),
      err,
      el("button", { type: "submit", class: "primary" }, t("adm.save")));

    const pw = el("input", { type: "password", name: "password", autocomplete: "new-password", required: true });
    const pwErr = alertBox();
    const reset = el("form", { class: "card adm-form", "aria-labelledby": "adm-reset-h", on: { submit: async (ev) => {
      ev.preventDefault();
      clearError(pwErr, { password: pw });
      await busy(reset.querySelector("button[type=submit]"), async () => {
        try { await call("POST", "/users/" + u.id + "/password", { password: pw.value }); pw.value = ""; say(t("adm.passwordReset")); await userPage(id); }
        catch (e) { showError(pwErr, e, { password: pw }); }
      });
    } } },
      el("h2", { id: "adm-reset-h" }, t("adm.resetPassword")),
      el("p", { class: "muted" }, t("adm.resetHint")),
      field(t("adm.newPassword"), pw, t("adm.newPasswordHint")), pwErr,
      el("button", { type: "submit" }, t("adm.resetPassword")));

    const [sessions, tokens] = await Promise.all([call("GET", "/users/" + u.id + "/sessions"), call("GET", "/users/" + u.id + "/tokens")]);
    const sErr = alertBox();
    const endAll = button(t("adm.endAllOf"), async (ev) => {
      if (!await confirmDialog(t("adm.endAllOf"), t("adm.endAllWarn", { name: u.username }), t("adm.endAllYes"))) return;
      await busy(ev.target, async () => {
        try { await call("DELETE", "/users/" + u.id + "/sessions"); say(t("adm.othersEnded")); await userPage(id); }
        catch (e) { showError(sErr, e); }
      });
    }, { disabled: sessions.items.length === 0 && tokens.items.length === 0 });
    const revoke = async (tk, b) => {
      if (!await confirmDialog(t("adm.revoke"), t("adm.revokeWarn", { name: tk.name }), t("adm.revoke"))) return;
      await busy(b, async () => {
        try { await call("DELETE", "/users/" + u.id + "/tokens/" + encodeURIComponent(tk.id)); say(t("adm.revoked")); await userPage(id); }
        catch (e) { showError(sErr, e); }
      });
    };
    const rows = sessions.items.map((s) => el("tr", {},
      el("td", {}, agent(s.user_agent), s.current ? el("span", { class: "tag adm-here" }, " " + t("adm.thisDevice")) : null),
      el("td", {}, s.address || "—"), el("td", {}, when(s.created_at)), el("td", {}, when(s.last_seen))));
    return [link("/admin/manage/users", t("adm.backToUsers")),
      el("div", { class: "adm-stack" }, edit, reset,
        el("section", { class: "card", "aria-labelledby": "adm-usess-h" },
          el("h2", { id: "adm-usess-h" }, t("adm.sessionsOf", { name: u.username })),
          table(t("adm.sessionsOf", { name: u.username }), [t("adm.device"), t("adm.address"), t("adm.signedInAt"), t("adm.lastSeen")], rows, t("adm.noSessions")),
          el("h3", {}, t("adm.tokensOf", { name: u.username })),
          table(t("adm.tokensOf", { name: u.username }), [t("adm.tokenName"), t("adm.tokenScope"), t("adm.createdAt"), t("adm.lastUsed"), t("adm.actions")],
            tokenRows(tokens.items, revoke), t("adm.noTokens")),
          el("div", { class: "adm-actions" }, endAll), sErr))];
  });
}

// Columns (栏目).

async function columnsPage(editing) {
  await managePage(t("adm.columns"), async () => {
    const r = await call("GET", "/columns");
    const cur = editing ? r.items.find((c) => c.key === editing) : null;
    const err = alertBox();
    const rows = r.items.map((c) => el("tr", {},
      el("td", {}, c.name), el("td", {}, el("code", {}, c.key)), el("td", {}, c.description || "—"),
      el("td", {}, String(c.order)), el("td", {}, c.in_menu ? t("adm.yes") : t("adm.no")),
      el("td", {}, el("div", { class: "adm-row-actions" },
        button(t("adm.edit"), () => columnsPage(c.key), { "aria-label": t("adm.editNamed", { name: c.name }) }),
        button(t("adm.delete"), async (ev) => {
          if (!await confirmDialog(t("adm.deleteColumn"), t("adm.deleteColumnWarn", { name: c.name }), t("adm.delete"))) return;
          await busy(ev.target, async () => {
            try { await call("DELETE", "/columns/" + encodeURIComponent(c.key), { version: c.version }); say(t("adm.columnDeleted", { name: c.name })); await columnsPage(); }
            catch (e) {
              showError(err, e);
              if (e.status === 409) err.textContent = t("adm.columnInUse", { name: c.name }) + " " + t("adm.serverSays", { message: problemText(e.message) });
              err.scrollIntoView({ block: "center" });
            }
          });
        }, { "aria-label": t("adm.deleteNamed", { name: c.name }) })))));
    return [table(t("adm.columns"), [t("adm.columnName"), t("adm.columnKey"), t("adm.description"), t("adm.order"), t("adm.inMenu"), t("adm.actions")], rows),
      err, columnForm(cur)];
  });
  if (editing) {
    const name = document.querySelector('#main form[aria-labelledby="adm-colform-h"] input[name="name"]');
    if (name) { name.scrollIntoView({ block: "center" }); name.focus(); }
  }
}

function columnForm(cur) {
  const key = el("input", { name: "key", required: true, maxlength: "40", spellcheck: "false", autocomplete: "off", props: { value: cur ? cur.key : "" }, disabled: !!cur });
  const name = el("input", { name: "name", required: true, maxlength: "20", autocomplete: "off", props: { value: cur ? cur.name : "" } });
  const desc = el("textarea", { name: "description", rows: "3", maxlength: "500" });
  desc.value = cur ? cur.description : "";
  const order = el("input", { name: "order", type: "number", min: "0", max: "10000", step: "1", props: { value: cur ? String(cur.order) : "100" } });
  const inMenu = el("input", { type: "checkbox", id: "adm-inmenu", name: "in_menu", props: { checked: cur ? cur.in_menu : true } });
  const err = alertBox();
  const controls = { key, name, description: desc, order };
  const form = el("form", { class: "card adm-form", "aria-labelledby": "adm-colform-h", on: { submit: async (ev) => {
    ev.preventDefault();
    clearError(err, controls);
    const body = { name: name.value, description: desc.value, order: Number(order.value || 0), in_menu: inMenu.checked };
    await busy(form.querySelector("button[type=submit]"), async () => {
      try {
        if (cur) await call("PUT", "/columns/" + encodeURIComponent(cur.key), { ...body, version: cur.version });
        else await call("POST", "/columns", { ...body, key: key.value.trim() });
        say(t(cur ? "adm.columnSaved" : "adm.columnCreated", { name: body.name }));
        await columnsPage();
      } catch (e) { showError(err, e, controls); }
    });
  } } },
    el("h2", { id: "adm-colform-h" }, cur ? t("adm.editColumn", { name: cur.name }) : t("adm.newColumn")),
    field(t("adm.columnName"), name),
    field(t("adm.columnKey"), key, cur ? t("adm.columnKeyFixed") : t("adm.columnKeyHint")),
    field(t("adm.description"), desc),
    field(t("adm.order"), order, t("adm.orderHint")),
    el("label", { for: "adm-inmenu", class: "adm-check" }, inMenu, " ", t("adm.showInMenu")),
    err,
    el("div", { class: "adm-actions" }, el("button", { type: "submit", class: "primary" }, cur ? t("adm.save") : t("adm.createColumn")),
      cur ? button(t("adm.cancel"), () => columnsPage()) : null));
  return form;
}

// The audit log.

const actions = ["sign_in", "sign_in_failed", "sign_out", "session_revoked", "user_created", "user_changed", "password_reset",
  "token_created", "token_revoked", "transition", "restored", "lock_taken_over", "purged", "job_changed", "channel_authorized",
  "created", "updated", "deleted", "exported", "phones_shown", "backup_made", "backup_failed"];

async function auditPage(q) {
  await managePage(t("adm.audit"), async () => {
    const users = await call("GET", "/users").then((r) => r.items).catch(() => []);
    const actor = el("select", { name: "actor" }, el("option", { value: "" }, t("adm.anyone")),
      users.map((u) => el("option", { value: u.id, props: { selected: q.get("actor") === u.id } }, u.display_name + "（" + u.username + "）")));
    const action = el("select", { name: "action" }, el("option", { value: "" }, t("adm.anyAction")),
      actions.map((a) => el("option", { value: a, props: { selected: q.get("action") === a } }, t("adm.action." + a))));
    const target = el("input", { name: "target", maxlength: "100", spellcheck: "false", props: { value: q.get("target") || "" } });
    const from = el("input", { name: "from", type: "datetime-local", props: { value: localInput(q.get("from")) } });
    const to = el("input", { name: "to", type: "datetime-local", props: { value: localInput(q.get("to")) } });
    const err = alertBox();
    const params = new URLSearchParams();
    for (const k of ["actor", "action", "target", "from", "to", "cursor"]) if (q.get(k)) params.set(k, q.get(k));
    params.set("limit", "50");
    const filters = el("form", { class: "card adm-filters", role: "search", "aria-label": t("adm.auditFilters"), on: { submit: (ev) => {
      ev.preventDefault();
      const p = new URLSearchParams();
      if (actor.value) p.set("actor", actor.value);
      if (action.value) p.set("action", action.value);
      if (target.value.trim()) p.set("target", target.value.trim());
      if (from.value) p.set("from", fromLocalInput(from.value));
      if (to.value) p.set("to", fromLocalInput(to.value));
      go("/admin/manage/audit" + (p.toString() ? "?" + p : ""));
    } } },
      field(t("adm.actor"), actor), field(t("adm.actionLabel"), action),
      field(t("adm.target"), target, t("adm.targetHint")),
      field(t("adm.from"), from), field(t("adm.to"), to, t("adm.toHint")),
      el("div", { class: "adm-actions" }, el("button", { type: "submit", class: "primary" }, t("adm.filter")),
        link("/admin/manage/audit", t("adm.clearFilters"))));
    let r;
    try { r = await call("GET", "/audit?" + params); }
    catch (e) { showError(err, e); return [filters, err]; }
    const rows = r.items.map((e) => el("tr", {},
      el("td", {}, el("time", { datetime: e.at }, when(e.at, { dateStyle: "medium", timeStyle: "medium" }))),
      el("td", {}, e.actor_name && e.actor_name !== e.actor ? e.actor_name + "（" + e.actor + "）" : e.actor || "—"),
      el("td", {}, t("adm.action." + e.action) === "adm.action." + e.action ? e.action : t("adm.action." + e.action)),
      el("td", {}, el("code", {}, e.target || "—")),
      el("td", {}, e.detail || ""),
      el("td", {}, e.address || "")));
    const nav = [];
    if (q.get("cursor")) {
      const first = new URLSearchParams(params); first.delete("cursor"); first.delete("limit");
      nav.push(link("/admin/manage/audit" + (first.toString() ? "?" + first : ""), t("adm.firstPage")));
    }
    if (r.next_cursor) {
      const next = new URLSearchParams(params); next.set("cursor", r.next_cursor); next.delete("limit");
      nav.push(link("/admin/manage/audit?" + next, t("adm.nextPage")));
    }
    return [filters, err, el("p", { class: "muted" }, t("adm.timesInBeijing")),
      table(t("adm.audit"), [t("adm.time"), t("adm.actor"), t("adm.actionLabel"), t("adm.target"), t("adm.detail"), t("adm.address")], rows, t("adm.noEntries")),
      el("nav", { class: "adm-pages", "aria-label": t("adm.pages") }, nav)];
  });
}

// Webhook endpoints: read-only (YINLING_WEBHOOKS), with recent deliveries.

async function webhooksPage() {
  await managePage(t("adm.webhooks"), async () => {
    const [ch, jobs] = await Promise.all([call("GET", "/channels"), call("GET", "/jobs").then((r) => r.items).catch(() => [])]);
    const hooks = ch.webhooks || [];
    const intro = el("p", {}, t("adm.webhooksIntro"));
    if (!hooks.length) return [intro, el("p", { class: "card" }, t("adm.noWebhooks"))];
    return [intro, el("div", { class: "adm-stack" }, hooks.map((h, i) => {
      const mine = jobs.filter((j) => j.channel === "webhook" && j.endpoint === h.name).slice(0, 10);
      const rows = mine.map((j) => el("tr", {},
        el("td", {}, when(j.updated_at)), el("td", {}, j.event || j.action), el("td", {}, j.title || j.entry_id),
        el("td", {}, el("span", { class: "tag adm-job-" + j.state }, t("adm.job." + j.state))),
        el("td", {}, String(j.attempts)), el("td", {}, j.last_error || "")));
      return el("section", { class: "card adm-hook", "aria-labelledby": "adm-hook-" + i },
        el("h2", { id: "adm-hook-" + i }, h.name),
        el("dl", { class: "adm-dl" },
          el("dt", {}, t("adm.hookURL")), el("dd", {}, el("code", { class: "adm-url" }, h.url)),
          el("dt", {}, t("adm.hookEvents")), el("dd", {}, h.events.map((e) => e === "*" ? t("adm.allEvents") : e).join("、")),
          el("dt", {}, t("adm.hookSecret")), el("dd", {}, t("adm.secretHidden"))),
        el("h3", {}, t("adm.recentDeliveries")),
        table(t("adm.recentDeliveries") + " " + h.name, [t("adm.time"), t("adm.event"), t("adm.item"), t("adm.state"), t("adm.attempts"), t("adm.lastError")], rows, t("adm.noDeliveries")));
    }))];
  });
}

// Export (a download with progress) and import (the command line).

// readExport reads the archive as it arrives: it counts the bytes (of the
// gzip stream, and of the tar inside it, against the size the server
// announced) and keeps manifest.json, the archive's last file.
async function readExport(res, onProgress) {
  const total = Number(res.headers.get("X-Export-Size")) || 0;
  const [save, inspect] = res.body.tee();
  const parts = [];
  let received = 0;
  const saving = (async () => {
    const r = save.getReader();
    for (;;) {
      const { done, value } = await r.read();
      if (done) return;
      parts.push(value);
      received += value.length;
    }
  })();
  let unpacked = 0;
  let manifest = null;
  const reading = (async () => {
    const r = inspect.pipeThrough(new DecompressionStream("gzip")).getReader();
    let buf = new Uint8Array(0);
    let left = 0; // content bytes of the current file still to come
    let pad = 0; // then padding to the next 512-byte block
    let keep = null; // the manifest's bytes, when the current file is it
    const text = (b, from, n) => new TextDecoder().decode(b.subarray(from, from + n)).replace(/\0.*$/s, "");
    const kept = () => { manifest = JSON.parse(new TextDecoder().decode(concat(...keep))); keep = null; };
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      unpacked += value.length;
      onProgress(unpacked, total, received);
      const chunk = buf.length ? concat(buf, value) : value;
      let at = 0;
      while (at < chunk.length) {
        if (left > 0) {
          const n = Math.min(left, chunk.length - at);
          if (keep) keep.push(chunk.slice(at, at + n));
          left -= n; at += n;
          if (left === 0 && keep) kept();
          continue;
        }
        if (pad > 0) {
          const n = Math.min(pad, chunk.length - at);
          pad -= n; at += n;
          continue;
        }
        if (chunk.length - at < 512) break;
        const h = chunk.subarray(at, at + 512);
        at += 512;
        if (h.every((x) => x === 0)) continue;
        const name = text(h, 0, 100);
        left = parseInt(text(h, 124, 12).trim() || "0", 8);
        pad = (512 - (left % 512)) % 512;
        keep = name === "manifest.json" ? [] : null;
        if (left === 0 && keep) kept();
      }
      buf = chunk.slice(at);
    }
  })();
  await Promise.all([saving, reading]);
  return { blob: new Blob(parts, { type: "application/gzip" }), manifest, received };
}

function concat(...arrays) {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) { out.set(a, at); at += a.length; }
  return out;
}

const mib = (n) => n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + " GB" : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + " MB"
  : n >= 1 << 10 ? (n / (1 << 10)).toFixed(0) + " KB" : n + " B";

function exportSection() {
  const bar = el("progress", { id: "adm-export-bar", max: "1", value: "0", "aria-labelledby": "adm-export-h" });
  const line = el("p", { role: "status", class: "adm-progress-text" });
  const err = alertBox();
  const result = el("div", { class: "adm-result" });
  const start = button(t("adm.exportStart"), async (ev) => {
    err.textContent = ""; result.replaceChildren();
    await busy(ev.target, async () => {
      bar.value = 0;
      line.textContent = t("adm.exportPreparing");
      try {
        const res = await fetch(api + "/export", { credentials: "same-origin", headers: { Accept: "application/gzip" } });
        if (!res.ok) {
          const p = await res.json().catch(() => null);
          throw Object.assign(new Error((p && (p.detail || p.title)) || String(res.status)), { status: res.status, problem: p || {} });
        }
        const name = (/filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "") || [])[1] || "yinling-export.tar.gz";
        // The bar counts the bytes of the archive inside the gzip stream
        // against the length the server announced.
        const { blob, manifest } = await readExport(res, (done, total, got) => {
          bar.max = total || 1;
          bar.value = Math.min(done, bar.max);
          line.textContent = t("adm.exportProgress", { percent: String(Math.floor(100 * bar.value / bar.max)), got: mib(got) });
        });
        if (!manifest) throw new Error(t("adm.exportCut"));
        for (const c of document.querySelectorAll(".adm-cmd .adm-file")) c.textContent = name;
        const url = URL.createObjectURL(blob);
        const save = el("a", { href: url, download: name, class: "adm-button primary", id: "adm-export-save" }, t("adm.exportSave", { name }));
        const records = manifest.collections.reduce((n, c) => n + c.count, 0);
        const bytes = manifest.media.reduce((n, m) => n + m.bytes, 0);
        line.textContent = t("adm.exportDone", { size: mib(blob.size) });
        result.replaceChildren(
          el("p", {}, t("adm.exportSummary", { records: String(records), collections: String(manifest.collections.length), media: String(manifest.media.length), bytes: mib(bytes) })),
          countsTable(t("adm.exportCounts"), manifest.collections),
          el("div", { class: "adm-actions" }, save));
        save.focus();
        say(t("adm.exportDone", { size: mib(blob.size) }));
      } catch (e) {
        line.textContent = "";
        showError(err, e.status === undefined ? { status: 0, message: t("adm.failed", { message: e.message }) } : e);
      }
    });
  }, { class: "primary", id: "adm-export-start" });
  return el("section", { class: "card", "aria-labelledby": "adm-export-h" },
    el("h2", { id: "adm-export-h" }, t("adm.export")),
    el("p", {}, t("adm.exportIntro")),
    el("p", { class: "adm-warn" }, t("adm.exportSecret")),
    el("div", { class: "adm-actions" }, start), bar, line, err, result);
}

function importSection() {
  const file = () => el("span", { class: "adm-file" }, "yinling-export-YYYYMMDD-hhmmss.tar.gz");
  const cmd = ["yinling import --data-dir /srv/yinling-new ", file()];
  const mongo = ["YINLING_MONGO_URI=mongodb://db/?replicaSet=rs0 YINLING_S3_ENDPOINT=s3:9000 \\\n  YINLING_S3_ACCESS_KEY=... YINLING_S3_SECRET_KEY=... yinling import ", file()];
  return el("section", { class: "card", "aria-labelledby": "adm-import-h" },
    el("h2", { id: "adm-import-h" }, t("adm.import")),
    el("p", {}, t("adm.importWhy")),
    el("ol", {}, el("li", {}, t("adm.importStep1")), el("li", {}, t("adm.importStep2")), el("li", {}, t("adm.importStep3"))),
    el("p", {}, t("adm.importEmbedded")),
    el("pre", { class: "adm-cmd", tabindex: "0", "aria-label": t("adm.importEmbedded") }, el("code", {}, cmd)),
    el("p", {}, t("adm.importMongo")),
    el("pre", { class: "adm-cmd", tabindex: "0", "aria-label": t("adm.importMongo") }, el("code", {}, mongo)),
    el("p", { class: "muted" }, t("adm.importChecks")));
}

function countsTable(caption, collections) {
  const label = (name) => t("adm.coll." + name) === "adm.coll." + name ? name : t("adm.coll." + name);
  return table(caption, [t("adm.collection"), t("adm.count")],
    collections.map((c) => el("tr", {}, el("td", {}, label(c.name)), el("td", {}, String(c.count)))));
}

// verifySection checks an export file on the server, as an import would
// before writing anything, with the upload's progress.
function verifySection() {
  const file = el("input", { type: "file", name: "file", accept: ".tar.gz,.tgz,application/gzip" });
  const bar = el("progress", { id: "adm-verify-bar", max: "1", value: "0", "aria-label": t("adm.verifyProgress") });
  const line = el("p", { role: "status", class: "adm-progress-text" });
  const err = alertBox();
  const result = el("div", { class: "adm-result" });
  const form = el("form", { class: "adm-form", "aria-labelledby": "adm-verify-h", on: { submit: async (ev) => {
    ev.preventDefault();
    clearError(err, { file });
    result.replaceChildren();
    const f = file.files[0];
    if (!f) { showError(err, { status: 0, message: t("adm.verifyPick"), problem: { errors: [{ field: "file", message: t("adm.verifyPick") }] } }, { file }); return; }
    await busy(form.querySelector("button[type=submit]"), async () => {
      bar.value = 0;
      line.textContent = t("adm.verifySending");
      try {
        const { data } = await send("POST", api + "/export/verify", f, {
          headers: { "Content-Type": "application/gzip", Accept: "application/json", "X-CSRF-Token": state.csrf },
          onProgress: (fr) => { bar.value = fr; line.textContent = fr < 1 ? t("adm.verifyUploading", { percent: String(Math.floor(fr * 100)) }) : t("adm.verifyChecking"); },
        });
        bar.value = 1;
        const records = data.collections.reduce((n, c) => n + c.count, 0);
        line.textContent = t("adm.verifyGood");
        result.replaceChildren(
          el("p", { class: "adm-done" }, t("adm.verifyGoodDetail", { name: f.name, when: when(data.created_at), source: data.source })),
          el("p", {}, t("adm.exportSummary", { records: String(records), collections: String(data.collections.length), media: String(data.media), bytes: mib(data.media_bytes) })),
          countsTable(t("adm.verifyCounts"), data.collections));
      } catch (e) {
        line.textContent = "";
        showError(err, e.status === 400 ? { status: 0, message: t("adm.verifyBad", { message: problemText(e.message) }) } : e);
      }
    });
  } } },
    el("h2", { id: "adm-verify-h" }, t("adm.verify")),
    el("p", {}, t("adm.verifyIntro")),
    field(t("adm.verifyFile"), file, t("adm.verifyHint")),
    el("button", { type: "submit" }, t("adm.verifyStart")));
  return el("section", { class: "card", "aria-labelledby": "adm-verify-h" }, form, bar, line, err, result);
}

// scheduledSection is the scheduled backups: where they go, when, how
// many are kept, and the newest made or failed (with why).
function scheduledSection(b) {
  const rows = b.history.map((r) => el("tr", { class: r.ok ? "" : "adm-failed" },
    el("td", {}, when(r.at)), el("td", {}, r.ok ? t("adm.schedOK") : el("strong", {}, t("adm.schedFailed"))),
    el("td", {}, el("span", { class: "adm-file" }, r.name)), el("td", {}, r.detail)));
  return el("section", { class: "card", "aria-labelledby": "adm-sched-h", id: "adm-scheduled" },
    el("h2", { id: "adm-sched-h" }, t("adm.sched")),
    b.scheduled ? el("p", {}, t("adm.schedOn", { where: b.where, at: b.at, keep: String(b.keep), months: String(b.months), next: when(b.next) }))
      : el("p", {}, t("adm.schedOff")),
    b.failing ? el("p", { class: "error", role: "alert" }, t("adm.schedFailing")) : null,
    rows.length ? el("table", { class: "list", "aria-labelledby": "adm-sched-h" },
      el("thead", {}, el("tr", {}, ["adm.schedAt", "adm.schedResult", "adm.schedName", "adm.schedDetail"].map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, rows)) : el("p", { class: "muted" }, t("adm.schedNone")));
}

async function backupPage() {
  await managePage(t("adm.backup"), async () => {
    const b = await call("GET", "/backups");
    return [el("div", { class: "adm-stack" }, scheduledSection(b), exportSection(), verifySection(), importSection())];
  });
}

// ---- routes and menu -----------------------------------------------------

navItem("/admin/account", "adm.account");
navItem("/admin/manage", "adm.manage", ["admin"]);
route(/^\/admin\/account$/, () => accountPage());
const adminOnly = (f) => (m, q) => can("admin") ? f(m, q) : page(t("adm.manage"), async () => el("p", { class: "error", role: "alert" }, t("adm.adminsOnly")));
route(/^\/admin\/manage$/, adminOnly(() => go("/admin/manage/users", { replace: true })));
route(/^\/admin\/manage\/users$/, adminOnly(() => usersPage()));
route(/^\/admin\/manage\/users\/([0-9a-z]+)$/, adminOnly((m) => userPage(m[1])));
route(/^\/admin\/manage\/columns$/, adminOnly(() => columnsPage()));
route(/^\/admin\/manage\/audit$/, adminOnly((_, q) => auditPage(q)));
route(/^\/admin\/manage\/webhooks$/, adminOnly(() => webhooksPage()));
route(/^\/admin\/manage\/backup$/, adminOnly(() => backupPage()));
