// Baton's workflow dashboard: one page, four views (#/, #/instances, #/instance/{id}, #/workflows), fed by the API and
// kept current by the server-sent events stream (/api/events). No framework, no build step.
"use strict";

const Mgmt = "/runtime/webhooks/durabletask";
const Live = ["Pending", "Running", "Suspended"];
const Finished = ["Completed", "Failed", "Terminated"];
const Statuses = ["Pending", "Running", "Suspended", "Completed", "Failed", "Terminated", "ContinuedAsNew"];
const main = document.getElementById("main");
let refreshView = null; // the current view's refresh, called (throttled) when a status event arrives
let currentInstance = null;

// ---- helpers ------------------------------------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function headers(extra = {}) {
  const key = sessionStorage.getItem("baton-api-key");
  return key ? { ...extra, "X-Api-Key": key } : extra;
}

class ApiError extends Error {
  constructor(status, problem) { super(problem?.detail || problem?.title || `HTTP ${status}`); this.status = status; this.problem = problem; }
}

// The namespace (task hub) the dashboard shows: every request names it, as the API's taskHub parameter.
const space = () => sessionStorage.getItem("baton-namespace") || "default";
const scoped = path => space() === "default" ? path : path + (path.includes("?") ? "&" : "?") + "taskHub=" + encodeURIComponent(space());

async function api(path, options = {}) {
  const response = await fetch(scoped(path), { ...options, headers: headers(options.headers || {}) });
  const reading = !options.method || options.method === "GET";
  if (response.status === 401 || (response.status === 403 && reading)) { askForKey(response.status); throw new ApiError(response.status, null); }
  if (response.status === 403) throw new ApiError(403, { detail: "forbidden: this key may read but not act; an operator's key may" });
  const text = await response.text();
  const body = text && (response.headers.get("content-type") || "").includes("json") ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, typeof body === "object" ? body : { detail: body });
  return { body, response };
}

function askForKey(status) {
  if (document.getElementById("key-form")) return;
  const input = h("input", { id: "api-key", type: "password", autocomplete: "off", "aria-label": "API key" });
  main.replaceChildren(h("h1", { text: status === 403 ? "This key may not read" : "Sign in" }),
    h("form", { id: "key-form", class: "panel actions", onsubmit: e => { e.preventDefault(); sessionStorage.setItem("baton-api-key", input.value); route(); } },
      h("label", {}, "API key (sent as X-Api-Key)", input), h("button", { class: "primary", type: "submit", text: "Use key" })));
  input.focus();
}

function toast(message) {
  const t = document.getElementById("toast");
  t.textContent = message;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 2500);
}

const fmtTime = t => t ? new Date(t).toLocaleString() : "";
const fmtMs = ms => ms === null || ms === undefined ? "–" : ms < 1000 ? `${Math.round(ms)} ms` : ms < 60000 ? `${(ms / 1000).toFixed(1)} s` : ms < 3600000 ? `${(ms / 60000).toFixed(1)} min` : `${(ms / 3600000).toFixed(1)} h`;
const fmtPct = x => x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`;
const badge = s => h("span", { class: `status ${s}`, text: s });
const json = value => h("pre", { text: value === undefined || value === null ? "null" : typeof value === "string" ? value : JSON.stringify(value, null, 2) });
const instanceLink = id => h("a", { href: `#/instance/${encodeURIComponent(id)}`, text: id });

function errorPanel(e) { return h("p", { class: "error", role: "alert", text: e.message }); }

// ---- live updates ---------------------------------------------------------------------------------------------------

let pending = false;
function changed(event) {
  if (currentInstance && event && event.instanceId !== currentInstance && location.hash.startsWith("#/instance/")) return;
  if (pending || !refreshView) return;
  pending = true;
  setTimeout(() => { pending = false; refreshView && refreshView(); }, 1000);
}

async function listen() {
  const live = document.getElementById("live");
  let after = null;
  for (;;) {
    try {
      const response = await fetch(scoped("/api/events" + (after !== null ? `?after=${after}` : "")), { headers: headers({ Accept: "text/event-stream" }) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      live.textContent = "live"; live.classList.add("on");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let split;
        while ((split = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, split); buffer = buffer.slice(split + 2);
          const name = (block.match(/^event: (.*)$/m) || [])[1];
          const data = (block.match(/^data: (.*)$/m) || [])[1];
          const id = (block.match(/^id: (.*)$/m) || [])[1];
          if (id) after = id;
          if (name === "ready" && data) after = JSON.parse(data).after;
          if (name === "status" && data) changed(JSON.parse(data));
        }
      }
    } catch (e) {
      // reconnect below
    }
    live.textContent = "reconnecting…"; live.classList.remove("on");
    await new Promise(r => setTimeout(r, 2000));
  }
}

// ---- charts ---------------------------------------------------------------------------------------------------------

function lineChart(title, points, series, unit) {
  const width = 560, height = 170, left = 44, bottom = 22, top = 8;
  const values = points.flatMap(p => series.map(s => p[s.key] ?? 0));
  const max = Math.max(1, ...values);
  const x = i => left + (i / Math.max(1, points.length - 1)) * (width - left - 8);
  const y = v => top + (1 - v / max) * (height - top - bottom);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, width: "100%" },
    svg("line", { x1: left, y1: y(0), x2: width - 8, y2: y(0), stroke: "#c9ced8" }),
    svg("text", { x: 2, y: y(max) + 4 }, `${max.toFixed(max < 10 ? 1 : 0)}${unit}`),
    svg("text", { x: 2, y: y(0) }, `0`),
    svg("text", { x: left, y: height - 4 }, `${Math.round(points.length / 60)} min ago`),
    svg("text", { x: width - 30, y: height - 4 }, "now"),
    series.map(s => svg("polyline", {
      fill: "none", stroke: s.color, "stroke-width": 1.6,
      points: points.map((p, i) => p[s.key] === null || p[s.key] === undefined ? null : `${x(i).toFixed(1)},${y(p[s.key]).toFixed(1)}`).filter(Boolean).join(" "),
    })));
  return h("div", { class: "panel" }, h("h2", { text: title }),
    h("div", { class: "legend" }, series.map(s => h("span", {}, h("i", { style: `background:${s.color}` }), s.label))), chart);
}

function timelineChart(timeline) {
  const spans = timeline.spans;
  const start = new Date(timeline.start).getTime(), end = new Date(timeline.end).getTime();
  const range = Math.max(1, end - start);
  const width = 1000, row = 20, left = 220, height = Math.max(1, spans.length) * row + 24;
  const color = { activity: "#2f7de1", child: "#6b4fd8", retry: "#d9534f", timer: "#f0a500", event: "#e58e26", callback: "#c9a227" };
  const x = t => left + ((new Date(t).getTime() - start) / range) * (width - left - 10);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": "Timeline of the instance's steps" },
    spans.map((s, i) => {
      const x1 = x(s.start), x2 = Math.max(x1 + 2, x(s.end || timeline.end));
      const label = `${s.kind} ${s.name}${s.kind === "activity" && s.attempt > 1 ? ` (attempt ${s.attempt})` : ""}`;
      return svg("g", {},
        svg("text", { x: 4, y: i * row + 14 }, label.length > 34 ? label.slice(0, 33) + "…" : label),
        svg("rect", { x: x1, y: i * row + 4, width: x2 - x1, height: row - 8, rx: 3, fill: color[s.kind] || "#888", opacity: s.outcome === "abandoned" ? 0.35 : 1 },
          svg("title", {}, `${label}: ${s.outcome}, ${fmtMs((new Date(s.end || timeline.end)) - new Date(s.start))}`)));
    }),
    svg("text", { x: left, y: height - 4 }, fmtTime(timeline.start)),
    svg("text", { x: width - 160, y: height - 4 }, fmtTime(timeline.end)));
  return chart;
}

// ---- views ----------------------------------------------------------------------------------------------------------

async function overview() {
  document.title = "Overview · Baton";
  const draw = async () => {
    const { body } = await api("/api/dashboard/overview?seconds=300");
    const total = Object.values(body.byStatus).reduce((a, b) => a + b, 0);
    main.replaceChildren(
      h("h1", { text: "Overview" }),
      h("section", { "aria-label": "Instances by status", class: "cards" },
        h("div", { class: "card" }, h("div", { class: "n", text: total.toLocaleString() }), h("div", { class: "l", text: "instances" })),
        Statuses.filter(s => body.byStatus[s] > 0 || !["ContinuedAsNew"].includes(s)).map(s =>
          h("a", { class: "card", href: `#/instances?status=${s}`, "data-status": s },
            h("div", { class: "n", text: (body.byStatus[s] || 0).toLocaleString() }), h("div", { class: "l", text: s })))),
      h("div", { class: "grid2" },
        lineChart("Throughput per second, last 5 minutes", body.throughput, [
          { key: "starts", label: "starts", color: "#2457c5" }, { key: "completions", label: "completions", color: "#1f7a3d" },
          { key: "failures", label: "failures", color: "#b3261e" }, { key: "steps", label: "steps", color: "#9a6200" }], ""),
        lineChart("Latency, mean per second", body.throughput, [
          { key: "stepLatencyMs", label: "activity attempt", color: "#2f7de1" }, { key: "turnLatencyMs", label: "workflow turn", color: "#6b4fd8" }], " ms")),
      h("h2", { text: "Oldest live instances" }),
      h("div", { class: "panel" }, body.oldestWaiting.length === 0 ? h("p", { class: "muted", text: "No live instances." }) :
        h("table", {}, h("thead", {}, h("tr", {}, ["Instance", "Workflow", "Status", "Created", "Waiting on"].map(t => h("th", { text: t })))),
          h("tbody", {}, body.oldestWaiting.map(w => h("tr", {}, h("td", {}, instanceLink(w.instanceId)), h("td", { text: w.name }),
            h("td", {}, badge(w.runtimeStatus)), h("td", { text: fmtTime(w.createdAt) }), h("td", { text: w.waitingOn.join("; ") || "its next turn" })))))),
      h("h2", {}, "Silos ", h("a", { href: "/orleans/", text: "(Orleans dashboard ↗)" })),
      h("div", { class: "panel" }, h("table", {},
        h("thead", {}, h("tr", {}, ["Silo", "Address", "Status", "Started", "Activations", "Activity queues"].map(t => h("th", { text: t })))),
        h("tbody", {}, body.silos.map(s => h("tr", {}, h("td", { text: s.name }), h("td", { text: s.address }), h("td", { text: s.status }),
          h("td", { text: fmtTime(s.started) }), h("td", { class: "num", text: s.activations ?? "–" }), h("td", { text: s.queues.join(", ") || "–" })))))));
  };
  await draw();
  return draw;
}

function readFilters(params) {
  return {
    name: params.get("name") || "", status: params.get("status") || "", from: params.get("from") || "", to: params.get("to") || "",
    prefix: params.get("prefix") || "", custom: params.get("custom") || "",
  };
}

function filterQuery(f, statuses) {
  const q = new URLSearchParams();
  if (f.name) q.set("name", f.name);
  const s = statuses || (f.status ? [f.status] : null);
  if (s) q.set("runtimeStatus", s.join(","));
  if (f.from) q.set("createdTimeFrom", new Date(f.from).toISOString());
  if (f.to) q.set("createdTimeTo", new Date(f.to).toISOString());
  if (f.prefix) q.set("instanceIdPrefix", f.prefix);
  if (f.custom) q.set("customStatus", f.custom);
  return q;
}

async function instances(params) {
  document.title = "Instances · Baton";
  const f = readFilters(params);
  const tokens = [null];
  let page = 0;
  const { body: catalog } = await api("/api/workflows");
  const field = (name, label, input) => h("label", {}, label, input);
  const nameSelect = h("select", { name: "name" }, h("option", { value: "", text: "any" }), catalog.map(w => h("option", { value: w.name, text: w.name, selected: w.name === f.name })));
  const statusSelect = h("select", { name: "status" }, h("option", { value: "", text: "any" }), Statuses.map(s => h("option", { value: s, text: s, selected: s === f.status })));
  const form = h("form", { class: "filters panel", "aria-label": "Filters", onsubmit: e => {
      e.preventDefault();
      const q = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
      location.hash = `#/instances?${q}`;
    } },
    field("name", "Workflow", nameSelect), field("status", "Status", statusSelect),
    field("from", "Created from", h("input", { type: "datetime-local", name: "from", value: f.from })),
    field("to", "Created to", h("input", { type: "datetime-local", name: "to", value: f.to })),
    field("prefix", "Id prefix", h("input", { name: "prefix", value: f.prefix })),
    field("custom", "Custom status", h("input", { name: "custom", value: f.custom })),
    h("button", { class: "primary", type: "submit", text: "Apply" }));
  const counts = h("div", { class: "cards", "aria-label": "Counts for this filter" });
  const table = h("div", { class: "panel" });
  const pager = h("div", { class: "pager" });
  const bulk = h("div", { class: "actions" },
    h("button", { class: "danger", type: "button", onclick: () => bulkAction("terminate") }, "Terminate matching live instances…"),
    h("button", { class: "danger", type: "button", onclick: () => bulkAction("purge") }, "Purge matching finished instances…"));
  main.replaceChildren(h("h1", { text: "Instances" }), form, counts, h("h2", { text: "Matching instances, newest first" }), table, pager, h("h2", { text: "Bulk actions" }), bulk);

  async function countsFor(statuses) {
    const { body } = await api(`${Mgmt}/counts?${filterQuery(f, statuses)}`);
    return body.byStatus;
  }

  async function bulkAction(kind) {
    const byStatus = await countsFor(kind === "terminate" ? Live : Finished);
    const n = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const dialog = h("dialog", { "aria-label": "Confirm" },
      h("p", { text: n === 0 ? `No instance matches: nothing to ${kind}.` : `This will ${kind} ${n.toLocaleString()} instance${n === 1 ? "" : "s"}.` }),
      h("form", { method: "dialog", class: "actions" },
        h("button", { value: "cancel", text: "Cancel" }),
        n > 0 ? h("button", { value: "ok", class: "danger", text: `${kind[0].toUpperCase()}${kind.slice(1)} ${n.toLocaleString()}` }) : null));
    document.body.append(dialog);
    dialog.addEventListener("close", async () => {
      dialog.remove();
      if (dialog.returnValue !== "ok") return;
      try {
        if (kind === "purge") {
          const { body } = await api(`${Mgmt}/instances?${filterQuery(f, Finished)}`, { method: "DELETE" });
          toast(`Purged ${body.instancesDeleted ?? 0} instances.`);
        } else {
          let done = 0;
          for (;;) {
            const { body: items } = await api(`${Mgmt}/instances?${filterQuery(f, Live)}&top=200&showInput=false`);
            if (items.length === 0) break;
            for (const i of items) {
              try { await api(`${Mgmt}/instances/${encodeURIComponent(i.instanceId)}/terminate?reason=${encodeURIComponent("bulk terminate from the dashboard")}`, { method: "POST" }); done++; }
              catch (e) { if (e.status !== 409 && e.status !== 410) throw e; }
            }
            // Terminations are asynchronous: wait for this batch to leave the live statuses before listing again.
            for (let tries = 0; tries < 50 && (await api(`${Mgmt}/instances?${filterQuery(f, Live)}&top=1&showInput=false`)).body.some(x => items.some(i => i.instanceId === x.instanceId)); tries++)
              await new Promise(r => setTimeout(r, 100));
          }
          toast(`Terminated ${done} instances.`);
        }
        await draw();
      } catch (e) { toast(e.message); }
    });
    dialog.showModal();
  }

  const draw = async () => {
    const byStatus = await countsFor(null);
    counts.replaceChildren(Statuses.map(s => h("div", { class: "card" }, h("div", { class: "n", text: (byStatus[s] || 0).toLocaleString() }), h("div", { class: "l", text: s }))));
    const query = filterQuery(f);
    query.set("top", "50"); query.set("showInput", "false");
    const { body: items, response } = await api(`${Mgmt}/instances?${query}`, { headers: tokens[page] ? { "x-ms-continuation-token": tokens[page] } : {} });
    tokens[page + 1] = response.headers.get("x-ms-continuation-token");
    table.replaceChildren(items.length === 0 ? h("p", { class: "muted", text: "No instance matches." }) : h("table", {},
      h("thead", {}, h("tr", {}, ["Instance", "Workflow", "Status", "Created", "Last updated", "Custom status"].map(t => h("th", { text: t })))),
      h("tbody", {}, items.map(i => h("tr", {}, h("td", {}, instanceLink(i.instanceId)), h("td", { text: i.name }), h("td", {}, badge(i.runtimeStatus)),
        h("td", { text: fmtTime(i.createdTime) }), h("td", { text: fmtTime(i.lastUpdatedTime) }),
        h("td", { text: i.customStatus === null || i.customStatus === undefined ? "" : JSON.stringify(i.customStatus).slice(0, 80) }))))));
    pager.replaceChildren(
      h("button", { type: "button", disabled: page === 0, onclick: async () => { page--; await draw(); } }, "← Newer"),
      h("span", { class: "muted", text: `page ${page + 1}` }),
      h("button", { type: "button", disabled: !tokens[page + 1], onclick: async () => { page++; await draw(); } }, "Older →"));
  };
  await draw();
  return draw;
}

async function instance(id) {
  document.title = `${id} · Baton`;
  currentInstance = id;
  const path = `${Mgmt}/instances/${encodeURIComponent(id)}`;
  const act = async (label, run, redraw = true) => {
    try { await run(); toast(`${label}: done`); if (redraw) await draw(); }
    catch (e) { toast(`${label}: ${e.message}`); }
  };
  const reasonInput = h("input", { name: "reason", placeholder: "reason", "aria-label": "Reason" });
  const reason = () => encodeURIComponent(reasonInput.value || "from the dashboard");
  const eventName = h("input", { name: "eventName", placeholder: "event name", "aria-label": "Event name", required: true });
  const eventData = h("input", { name: "eventData", placeholder: "JSON data, e.g. \"yes\"", "aria-label": "Event data (JSON)" });
  const token = h("input", { name: "token", placeholder: "callback token", "aria-label": "Callback token" });
  const callbackData = h("input", { name: "callbackData", placeholder: "JSON result or failure message", "aria-label": "Callback result (JSON)" });
  const body = value => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: value || "null" });
  const queryName = h("input", { name: "queryName", placeholder: "query name", "aria-label": "Query name", required: true });
  const queryAnswer = h("pre", { id: "query-answer", "aria-live": "polite", text: "" });
  const updateName = h("input", { name: "updateName", placeholder: "update name", "aria-label": "Update name", required: true });
  const updateInput = h("input", { name: "updateInput", placeholder: "JSON input, e.g. \"apple\"", "aria-label": "Update input (JSON)" });
  const updateAnswer = h("pre", { id: "update-answer", "aria-live": "polite", text: "" });
  const actions = h("div", { class: "actions", "aria-label": "Actions" },
    h("fieldset", {}, h("legend", { text: "Control" }), reasonInput,
      ["terminate", "suspend", "resume", "rewind"].map(a => h("button", { type: "button", "data-action": a, onclick: () => act(a, () => api(`${path}/${a}?reason=${reason()}`, { method: "POST" })) }, a[0].toUpperCase() + a.slice(1))),
      h("button", { type: "button", "data-action": "restart", onclick: () => act("restart", () => api(`${path}/restart`, { method: "POST" })) }, "Restart"),
      h("button", { type: "button", class: "danger", "data-action": "purge", onclick: () => { if (confirm(`Purge ${id} and its history?`)) act("purge", async () => { await api(path, { method: "DELETE" }); location.hash = "#/instances"; }, false); } }, "Purge")),
    h("form", { onsubmit: e => { e.preventDefault(); act(`event ${eventName.value}`, () => api(`${path}/raiseEvent/${encodeURIComponent(eventName.value)}`, body(eventData.value))); } },
      h("fieldset", {}, h("legend", { text: "Raise an event" }), eventName, eventData, h("button", { type: "submit", "data-action": "raise" }, "Raise"))),
    h("form", { onsubmit: async e => {
        e.preventDefault();
        try { const { body: answer } = await api(`${path}/query/${encodeURIComponent(queryName.value)}`); queryAnswer.textContent = JSON.stringify(answer, null, 2); }
        catch (err) { queryAnswer.textContent = err.message; }
      } },
      h("fieldset", {}, h("legend", { text: "Query" }), queryName, h("button", { type: "submit", "data-action": "query" }, "Ask"), queryAnswer)),
    h("form", { onsubmit: async e => {
        e.preventDefault();
        updateAnswer.textContent = "sending…";
        try {
          const { body: answer, response } = await api(`${path}/update/${encodeURIComponent(updateName.value)}?timeout=10`, body(updateInput.value));
          updateAnswer.textContent = response.status === 202 ? `still running: ${answer.updateId}` : JSON.stringify(answer, null, 2);
          draw();
        }
        catch (err) { updateAnswer.textContent = err.message; }
      } },
      h("fieldset", {}, h("legend", { text: "Send an update" }), updateName, updateInput, h("button", { type: "submit", "data-action": "update" }, "Send"), updateAnswer)),
    h("fieldset", {}, h("legend", { text: "Callback" }), token, callbackData,
      h("button", { type: "button", onclick: () => act("complete callback", () => api(`${Mgmt}/callbacks/${encodeURIComponent(token.value)}/complete`, body(callbackData.value))) }, "Complete"),
      h("button", { type: "button", onclick: () => act("fail callback", () => api(`${Mgmt}/callbacks/${encodeURIComponent(token.value)}/fail`, body(JSON.stringify({ message: callbackData.value || "failed from the dashboard" })))) }, "Fail")));
  const content = h("div");
  main.replaceChildren(h("p", {}, h("a", { href: "#/instances", text: "← Instances" })), content, h("h2", { text: "Actions" }), actions);

  const draw = async () => {
    let status, timeline;
    try {
      [{ body: status }, { body: timeline }] = await Promise.all([api(`${path}?showHistory=true&showHistoryOutput=true`), api(`/api/dashboard/instances/${encodeURIComponent(id)}/timeline`)]);
    } catch (e) {
      content.replaceChildren(h("h1", { text: id }), errorPanel(e));
      return;
    }
    const children = [...new Set(timeline.spans.filter(s => s.kind === "child").map(s => s.name.split(" ").slice(1).join(" ")))];
    const work = timeline.totalMs ? timeline.workingMs / timeline.totalMs : 0, wait = timeline.totalMs ? timeline.waitingMs / timeline.totalMs : 0;
    content.replaceChildren(
      h("h1", {}, `${status.name} `, h("span", { id: "instance-id", text: status.instanceId }), " ", badge(status.runtimeStatus)),
      h("div", { class: "panel" }, h("table", {}, h("tbody", {},
        h("tr", {}, h("th", { text: "Version" }), h("td", { text: status.version })),
        h("tr", {}, h("th", { text: "Created" }), h("td", { text: fmtTime(status.createdTime) })),
        h("tr", {}, h("th", { text: "Last updated" }), h("td", { text: fmtTime(status.lastUpdatedTime) })),
        status.completedTime ? h("tr", {}, h("th", { text: "Completed" }), h("td", { text: fmtTime(status.completedTime) })) : null,
        status.statusReason ? h("tr", {}, h("th", { text: "Reason" }), h("td", { text: status.statusReason })) : null,
        status.parentInstanceId ? h("tr", {}, h("th", { text: "Parent" }), h("td", {}, instanceLink(status.parentInstanceId))) : null,
        children.length ? h("tr", {}, h("th", { text: "Children" }), h("td", {}, children.map((c, i) => [i ? ", " : "", instanceLink(c)]))) : null,
        h("tr", {}, h("th", { text: "Waiting on" }), h("td", { id: "waiting-on", text: timeline.waitingOn.join("; ") || (["Completed", "Failed", "Terminated"].includes(status.runtimeStatus) ? "nothing: finished" : "its next turn") }))))),
      h("div", { class: "grid2" },
        h("div", { class: "panel" }, h("h2", { text: "Input" }), json(status.input)),
        h("div", { class: "panel" }, h("h2", { text: "Output" }), json(status.output)),
        h("div", { class: "panel" }, h("h2", { text: "Custom status" }), json(status.customStatus)),
        status.failureDetails ? h("div", { class: "panel", id: "failure" }, h("h2", { text: "Failure" }),
          h("p", { class: "error", text: `${status.failureDetails.errorType}: ${status.failureDetails.errorMessage ?? status.failureDetails.message}` }),
          json(status.failureDetails.stackTrace || "(no stack trace)")) : null),
      h("h2", { text: "Timeline" }),
      h("div", { class: "panel" },
        h("p", {}, `Working ${fmtMs(timeline.workingMs)} (${fmtPct(work)}), waiting ${fmtMs(timeline.waitingMs)} (${fmtPct(wait)}) of ${fmtMs(timeline.totalMs)}.`,
          timeline.retriesRecovered || timeline.retriesExhausted ? ` Retries: ${timeline.retriesRecovered} recovered, ${timeline.retriesExhausted} exhausted.` : ""),
        h("div", { class: "bar", "aria-hidden": "true" }, h("div", { class: "work", style: `width:${work * 100}%` }), h("div", { class: "wait", style: `width:${wait * 100}%` })),
        timeline.spans.length ? timelineChart(timeline) : h("p", { class: "muted", text: "No steps yet." })),
      h("h2", { text: "History" }),
      h("div", { class: "panel" }, h("table", { id: "history" },
        h("thead", {}, h("tr", {}, ["#", "Time", "Event", "Details"].map(t => h("th", { text: t })))),
        h("tbody", {}, (status.historyEvents || []).map((e, i) => {
          const { type, timestamp, ...rest } = e;
          return h("tr", {}, h("td", { class: "num", text: i + 1 }), h("td", { text: fmtTime(timestamp) }), h("td", { text: type }), h("td", {}, h("code", { text: JSON.stringify(rest).slice(0, 240) })));
        })))));
  };
  await draw();
  return draw;
}

async function workflows() {
  document.title = "Workflows · Baton";
  const draw = async () => {
    const [{ body }, { body: limits }] = await Promise.all([api("/api/dashboard/workflows"), api("/api/limits")]);
    main.replaceChildren(h("h1", { text: "Workflows" }),
      h("div", { class: "panel" }, h("table", { id: "workflows" },
        h("thead", {}, h("tr", {}, ["Workflow", "Version", "Instances", "Live", "Completed", "Failed", "Terminated", "Completion rate", "p50", "p95", "Working / waiting", "Retries recovered / failed"]
          .map((t, i) => h("th", { class: i > 1 ? "num" : null, text: t })))),
        h("tbody", {}, body.map(w => h("tr", {},
          h("td", {}, h("a", { href: `#/instances?name=${encodeURIComponent(w.name)}`, text: w.name })), h("td", { text: w.version }),
          [w.started, w.live, w.completed, w.failed, w.terminated].map(n => h("td", { class: "num", text: n.toLocaleString() })),
          h("td", { class: "num", text: fmtPct(w.completionRate) }), h("td", { class: "num", text: fmtMs(w.p50Ms) }), h("td", { class: "num", text: fmtMs(w.p95Ms) }),
          h("td", { class: "num", text: `${fmtPct(w.workingShare)} / ${fmtPct(w.waitingShare)}` }),
          h("td", { class: "num", text: `${w.retriesRecovered} / ${w.retriesExhausted}` })))))),
      h("p", { class: "muted", text: "Counts cover every instance in the store; durations cover each workflow's latest 200 finished instances, and working/waiting and retries their latest 25." }),
      ...(limits.length === 0 ? [] : [h("h2", { text: "Limits" }),
        h("div", { class: "panel" }, h("table", { id: "limits" },
          h("thead", {}, h("tr", {}, ["Limit", "Activity or queue", "At once", "Per second", "Running", "Waiting"].map((t, i) => h("th", { class: i > 1 ? "num" : null, text: t })))),
          h("tbody", {}, limits.map(l => h("tr", { "data-limit": `${l.kind}/${l.name}` },
            h("td", { text: l.kind }), h("td", { text: l.name }),
            h("td", { class: "num", text: l.maxConcurrent ?? "–" }), h("td", { class: "num", text: l.perSecond ?? "–" }),
            h("td", { class: "num running", text: l.running }), h("td", { class: "num waiting", text: l.waiting })))))),
        h("p", { class: "muted", text: "Cluster-wide: counted over every silo, for this namespace." })]));
  };
  await draw();
  return draw;
}

async function schedules() {
  document.title = "Schedules · Baton";
  const draw = async () => {
    const { body } = await api("/api/schedules");
    const act = (id, verb) => async () => {
      try {
        if (verb === "delete") { if (!confirm(`Delete schedule ${id}? Runs already started go on.`)) return; await api(`/api/schedules/${encodeURIComponent(id)}`, { method: "DELETE" }); }
        else await api(`/api/schedules/${encodeURIComponent(id)}/${verb}`, { method: "POST" });
        toast(`${verb} ${id}: done`);
      } catch (e) { toast(`${verb} ${id}: ${e.message}`); }
      setTimeout(() => refreshView && refreshView(), 300);
    };
    main.replaceChildren(h("h1", { text: "Schedules" }),
      body.length === 0 ? h("p", { class: "muted", text: "No schedules. Create one with POST /api/schedules." }) :
      h("div", { class: "panel" }, h("table", { id: "schedules" },
        h("thead", {}, h("tr", {}, ["Schedule", "Workflow", "When", "Overlap", "Next run", "Started", "Skipped", "Missed", "Failed", "Latest runs", "Actions"].map(t => h("th", { text: t })))),
        h("tbody", {}, body.map(s => h("tr", { "data-schedule": s.scheduleId },
          h("td", { text: s.scheduleId }), h("td", {}, h("a", { href: `#/instances?name=${encodeURIComponent(s.spec.workflow)}`, text: s.spec.workflow })),
          h("td", { text: s.spec.cron ? `cron ${s.spec.cron}${s.spec.timeZone ? ` (${s.spec.timeZone})` : ""}` : `every ${s.spec.interval}` }),
          h("td", { text: s.spec.overlap }),
          h("td", { class: "next", text: s.paused ? "paused" : fmtTime(s.nextRunAt) || "–" }),
          [s.started, s.skipped, s.missed, s.failed].map((n, i) => h("td", { class: `num ${["started", "skipped", "missed", "failed"][i]}`, text: n, title: i === 3 && s.lastError ? s.lastError : null })),
          h("td", {}, s.recentRuns.slice(-3).reverse().map((r, i) => [i ? ", " : "", instanceLink(r)])),
          h("td", { class: "actions" },
            s.paused ? h("button", { type: "button", "data-action": "resume", onclick: act(s.scheduleId, "resume") }, "Resume")
                     : h("button", { type: "button", "data-action": "pause", onclick: act(s.scheduleId, "pause") }, "Pause"),
            h("button", { type: "button", "data-action": "trigger", onclick: act(s.scheduleId, "trigger") }, "Run now"),
            h("button", { type: "button", class: "danger", "data-action": "delete", onclick: act(s.scheduleId, "delete") }, "Delete"))))))));
  };
  await draw();
  return draw;
}

// ---- routing --------------------------------------------------------------------------------------------------------

async function route() {
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  const params = new URLSearchParams(query || "");
  currentInstance = null;
  refreshView = null;
  const page = path.startsWith("/instance/") ? "instances" : path === "/instances" ? "instances" : path === "/workflows" ? "workflows" : path === "/schedules" ? "schedules" : "overview";
  for (const a of document.querySelectorAll("nav a[data-page]")) {
    a.classList.toggle("current", a.dataset.page === page);
    if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  try {
    refreshView = path.startsWith("/instance/") ? await instance(decodeURIComponent(path.slice("/instance/".length)))
      : path === "/instances" ? await instances(params)
      : path === "/workflows" ? await workflows()
      : path === "/schedules" ? await schedules()
      : await overview();
  } catch (e) {
    if (e.status !== 401 && e.status !== 403) main.replaceChildren(errorPanel(e));
  }
  main.dataset.ready = path;
}

// A picker of the namespaces the caller may use, shown when there is more than one; a choice reloads every view and the stream.
async function namespaces() {
  try {
    const { body } = await api("/api/dashboard/namespaces");
    if (!Array.isArray(body) || body.length < 2) return;
    if (!body.includes(space())) sessionStorage.removeItem("baton-namespace");
    const select = h("select", { id: "namespace", "aria-label": "Namespace",
      onchange: e => { sessionStorage.setItem("baton-namespace", e.target.value); location.reload(); } },
      body.map(n => h("option", { value: n, selected: n === space(), text: n })));
    document.getElementById("live").before(h("label", { class: "namespace" }, "Namespace ", select));
  } catch (e) {
    // Signing in shows the picker on the next load.
  }
}

window.addEventListener("hashchange", () => { route(); main.focus(); });
namespaces();
route();
listen();
// The overview's charts move with time even when nothing changes.
setInterval(() => { if ((location.hash || "#/") === "#/" && refreshView) refreshView(); }, 5000);
