// Big uploads (videos of hundreds of MB) in parts, resumable: the file's
// SHA-256 is computed a slice at a time, POST /media/uploads answers where
// each part goes, each part is PUT with its progress shown, and the
// upload's id is kept in localStorage under the file's name, size and
// time of change, so after a reload or a failure choosing the same file
// again asks the server which parts it has (GET /media/uploads/{id}) and
// sends only the others. POST .../complete makes the asset; DELETE
// abandons the upload.

import { call, t, APIError } from "./core.js";
import { hashFile } from "./sha256.js";

const prefix = "yinling.upload.";

// fileKey names a file across reloads (a File cannot be kept; the same
// file chosen again has the same name, size and time of change).
export const fileKey = (file) => prefix + [file.name, file.size, file.lastModified].join("|");

function remembered(file) {
  try { return JSON.parse(localStorage.getItem(fileKey(file)) || "null"); } catch (_) { return null; }
}

// pending lists the unfinished uploads remembered in this browser (for
// owner, when given: the entry they were started for).
export function pending(owner) {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!k || !k.startsWith(prefix)) continue;
    try {
      const v = JSON.parse(localStorage.getItem(k));
      if (v && v.id && (!owner || v.owner === owner)) out.push({ ...v, key: k });
    } catch (_) { /* not ours */ }
  }
  return out;
}

// forget drops a remembered upload and abandons it on the server.
export async function abandon(id) {
  for (const p of pending()) if (p.id === id) localStorage.removeItem(p.key);
  try { await call("DELETE", "/media/uploads/" + id); } catch (e) { if (e.status !== 404) throw e; }
}

// putPart sends one part straight to its URL (an S3 presigned URL or the
// server's own signed one): no cookie, no CSRF token, as the URL is the
// permission.
function putPart(url, blob, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open("PUT", url);
    x.upload.onprogress = (ev) => onProgress(ev.loaded);
    x.onload = () => {
      if (x.status >= 200 && x.status < 300) return resolve();
      let problem = null;
      try { problem = JSON.parse(x.responseText); } catch (_) { problem = null; }
      reject(new APIError(x.status, problem));
    };
    x.onerror = () => reject(new APIError(0, { detail: t("networkDown") }));
    x.onabort = () => reject(new APIError(0, { detail: t("cancelled") }));
    if (signal) {
      if (signal.aborted) return x.onabort();
      signal.addEventListener("abort", () => x.abort(), { once: true });
    }
    x.send(blob);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// bigUpload uploads file and answers its asset. onProgress(phase,
// fraction, state) reports "hash" (computing the SHA-256), "send" (of the
// whole file, parts already there counted) and "check" (the server
// checking the joined file); owner is kept with the upload (the entry it
// is for); signal pauses it (the upload stays, to be resumed).
export async function bigUpload(file, { onProgress = () => {}, signal, owner = "", parallel = 3 } = {}) {
  const type = file.type || (/\.webm$/i.test(file.name) ? "video/webm" : "video/mp4");
  let st = null;
  const known = remembered(file);
  if (known) {
    try {
      st = await call("GET", "/media/uploads/" + known.id);
      if (st.size !== file.size) st = null;
    } catch (e) {
      if (e.status !== 404) throw e;
    }
    if (!st) localStorage.removeItem(fileKey(file));
  }
  if (!st) {
    const sha256 = await hashFile(file, { signal, onProgress: (f) => onProgress("hash", f) });
    // Through the server: the page's CSP lets it speak to this origin
    // only, and an S3 bucket need not take cross-origin PUTs.
    st = await call("POST", "/media/uploads", { filename: file.name, content_type: type, size: file.size, sha256, through_server: true });
    localStorage.setItem(fileKey(file), JSON.stringify({ id: st.id, owner, name: file.name, size: file.size, started: Date.now() }));
  }
  const id = st.id;
  for (let round = 0; ; round++) {
    await sendParts(file, st, { onProgress, signal, parallel });
    onProgress("check", 1, st);
    try {
      const asset = await call("POST", `/media/uploads/${id}/complete`);
      localStorage.removeItem(fileKey(file));
      return asset;
    } catch (e) {
      // Parts missing (an address expired, a part cut short): ask again
      // which, and send those; any other refusal ends the upload.
      const missing = e.status === 400 && (e.problem.errors || []).some((f) => f.field === "parts");
      if (!missing || round >= 3) {
        if (e.status === 400 || e.status === 415 || e.status === 404) localStorage.removeItem(fileKey(file));
        throw e;
      }
      st = await call("GET", "/media/uploads/" + id);
    }
  }
}

// sendParts sends the parts st lists as missing, parallel at a time; a
// part that fails is tried again (after asking for fresh addresses) up to
// three times.
// received is how many bytes of st's parts are there (a part to send
// again does not count).
function received(st) {
  const again = new Set(st.send.map((p) => p.number));
  return st.received.filter((p) => !again.has(p.number)).reduce((n, p) => n + p.size, 0);
}

async function sendParts(file, st, { onProgress, signal, parallel }) {
  let have = received(st);
  const inFlight = new Map();
  const report = () => {
    let n = have;
    for (const v of inFlight.values()) n += v;
    onProgress("send", file.size ? n / file.size : 1, st);
  };
  report();
  let queue = st.send.slice();
  for (let attempt = 0; queue.length; attempt++) {
    const failed = [];
    const worker = async () => {
      while (queue.length) {
        const p = queue.shift();
        const start = (p.number - 1) * st.part_size;
        inFlight.set(p.number, 0);
        try {
          await putPart(p.url, file.slice(start, start + p.size), (loaded) => { inFlight.set(p.number, loaded); report(); }, signal);
          have += p.size;
        } catch (e) {
          if (signal && signal.aborted) throw e;
          failed.push(e);
        } finally {
          inFlight.delete(p.number);
          report();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
    if (!failed.length) return;
    if (attempt >= 3) throw failed[0];
    await sleep(500 * (attempt + 1));
    const fresh = await call("GET", "/media/uploads/" + st.id);
    st.received = fresh.received;
    st.send = fresh.send;
    have = received(st);
    queue = fresh.send.slice();
  }
}
