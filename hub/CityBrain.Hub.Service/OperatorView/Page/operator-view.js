// CityBrain operators' view: nodes grouped by city, district, street, community and grid (collapsible, each group with
// its nodes' sensors counted ok/stale/fault); live state over Server-Sent Events (/api/events?<filters>), polling /api/state and
// /api/sparks as a fallback. The hub sends every node's summary and, when the filters hold few enough sensors, their
// detail; beyond that a node's sensors are fetched on demand (/api/nodes/{node}). Plain JS, no build step, no
// external resources.
(function () {
  "use strict";

  var state = { nodes: [], alerts: { active: [], recent: [] }, scope: null };
  var sparks = {}; // node -> sensor -> quantity -> points, from the "sparks" event (the "state" event carries none)
  var mayReadNow = false; // the token's readNow permission (GET /api/viewer): the view is read-only without it
  var readNow = {}; // "node/sensor" -> the last read-now answer shown under the sensor
  var opened = {}; // node -> NodeView fetched from /api/nodes/{node} (nodes opened while the scope has no detail)
  var openOrder = [];
  var MAX_OPENED = 20;
  var filters = { district: "", grid: "", status: "", text: "" };
  // The hierarchy the nodes are grouped by (a level no node reports, e.g. community without a grid registry, is skipped).
  var LEVELS = [
    { key: "city", label: "City" }, { key: "district", label: "District" }, { key: "street", label: "Street" },
    { key: "community", label: "Community" }, { key: "grid", label: "Grid" }
  ];
  var collapsed = {}; // group path ("/district:harbour/street:quay-road") -> true while the operator keeps it folded
  var el = function (id) { return document.getElementById(id); };
  var pollTimer = null, polls = 0, source = null, reconnectTimer = null;
  // The quantity catalogue (/api/catalogue): name -> entry (unit, display.decimals/symbol/words); derived suffixes.
  var catalogue = { byName: {}, derived: [] };

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function ago(iso) {
    if (!iso) { return "never"; }
    var s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 60) { return s + " s ago"; }
    if (s < 3600) { return Math.round(s / 60) + " min ago"; }
    if (s < 86400) { return Math.round(s / 3600) + " h ago"; }
    return Math.round(s / 86400) + " d ago";
  }

  function fmt(v) {
    if (v == null) { return ""; }
    var a = Math.abs(v);
    return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  // The catalogue entry a quantity displays by: its own, or its base quantity's for a derived name (pm2_5_mean).
  function entryOf(quantity, unit) {
    if (!quantity) { return null; } // node-level alerts (offline, gap) carry a value but no quantity
    var e = catalogue.byName[quantity];
    if (e) { return e.unit === unit ? e : null; }
    for (var i = 0; i < catalogue.derived.length; i++) {
      var d = catalogue.derived[i].suffix, base = quantity.slice(0, -d.length);
      if (quantity.length > d.length && quantity.slice(-d.length) === d && catalogue.byName[base]) {
        e = catalogue.byName[base];
        return d === "_count" ? { unit: unit, display: { decimals: 0, symbol: "" } }
          : e.unit === unit && !e.display.words ? e : null;
      }
    }
    return null;
  }

  // A value as the catalogue says: a state's word, or the display decimals and symbol; the raw unit otherwise.
  function fmtq(quantity, value, unit) {
    if (value == null) { return ""; }
    var e = entryOf(quantity, unit);
    if (!e) { return fmt(value) + " " + (unit || ""); }
    var words = e.display.words;
    if (words && (value === 0 || value === 1)) { return words[value]; }
    var symbol = e.display.symbol != null ? e.display.symbol : e.unit;
    return value.toFixed(e.display.decimals) + (symbol ? " " + symbol : "");
  }

  function loadCatalogue() {
    getJson("/api/catalogue").then(function (c) {
      var byName = {};
      (c.quantities || []).forEach(function (q) { byName[q.name] = q; });
      catalogue = { byName: byName, derived: c.derived || [] };
      render();
    }).catch(function () { setTimeout(loadCatalogue, 10000); });
  }

  function spark(points) {
    if (!points || points.length < 2) { return '<svg class="spark" viewBox="0 0 100 20"></svg>'; }
    var min = Infinity, max = -Infinity, t0 = points[0].t, t1 = points[points.length - 1].t;
    points.forEach(function (p) { min = Math.min(min, p.v); max = Math.max(max, p.v); });
    var span = max - min || 1, tspan = t1 - t0 || 1;
    var pts = points.map(function (p) {
      return ((p.t - t0) / tspan * 100).toFixed(1) + "," + (18 - (p.v - min) / span * 16).toFixed(1);
    }).join(" ");
    return '<svg class="spark" viewBox="0 0 100 20" preserveAspectRatio="none"><title>last hour: ' +
      esc(fmt(min)) + " – " + esc(fmt(max)) + '</title><polyline points="' + pts + '"/></svg>';
  }

  function query() {
    var p = [];
    if (filters.district) { p.push("district=" + encodeURIComponent(filters.district)); }
    if (filters.grid) { p.push("grid=" + encodeURIComponent(filters.grid)); }
    if (filters.status) { p.push("status=" + encodeURIComponent(filters.status)); }
    if (filters.text) { p.push("q=" + encodeURIComponent(filters.text)); }
    return p.length ? "?" + p.join("&") : "";
  }

  // True when the last state was made for the current filters: its inScope flags are then the hub's answer (which
  // also searched sensors and quantities of nodes sent without detail).
  function scopeIsCurrent() {
    var s = state.scope;
    return !!s && (s.district || "") === filters.district && (s.grid || "") === filters.grid &&
      (s.status || "") === filters.status && (s.q || "") === filters.text;
  }

  function visible(n) { return scopeIsCurrent() ? n.inScope : matches(n); }

  // Until the hub answers for new filters: the same test on what the page has.
  function matches(n) {
    if (filters.district && n.district !== filters.district) { return false; }
    if (filters.grid && n.grid !== filters.grid) { return false; }
    if (filters.status && n.status !== filters.status) { return false; }
    if (filters.text) {
      var t = filters.text.toLowerCase();
      var hay = [n.node, n.street || ""].concat((n.sensors || (opened[n.node] || {}).sensors || []).map(function (s) {
        return s.id + " " + (s.quantities || []).map(function (q) { return q.quantity; }).join(" ");
      })).join(" ").toLowerCase();
      if (hay.indexOf(t) < 0) { return false; }
    }
    return true;
  }

  function fillSelect(select, values, current) {
    var html = '<option value="">all</option>' + values.map(function (v) {
      return '<option value="' + esc(v) + '"' + (v === current ? " selected" : "") + ">" + esc(v) + "</option>";
    }).join("");
    if (select.innerHTML !== html) { select.innerHTML = html; }
  }

  function renderFilters() {
    var districts = {}, grids = {};
    state.nodes.forEach(function (n) {
      districts[n.district] = true;
      if (!filters.district || n.district === filters.district) { grids[n.grid] = true; }
    });
    fillSelect(el("f-district"), Object.keys(districts).sort(), filters.district);
    fillSelect(el("f-grid"), Object.keys(grids).sort(), filters.grid);
    var counts = {};
    state.nodes.forEach(function (n) { counts[n.status] = (counts[n.status] || 0) + 1; });
    el("counts").innerHTML = ["online", "stale", "fault", "offline", "unknown"].filter(function (s) { return counts[s]; })
      .map(function (s) { return '<span><span class="pill status-' + s + '">' + s + "</span> " + counts[s] + "</span>"; }).join("");
  }

  function renderAlerts() {
    var active = state.alerts.active || [];
    el("alert-count").textContent = active.length;
    el("no-alerts").style.display = active.length ? "none" : "";
    el("alerts").style.display = active.length ? "" : "none";
    el("alerts").querySelector("tbody").innerHTML = active.map(function (a) {
      var where = esc(a.district) + " / " + esc(a.grid) + " / <b>" + esc(a.node) + "</b>" + (a.sensor ? " / " + esc(a.sensor) : "") +
        (a.street ? '<div class="muted">' + esc(a.street) + "</div>" : "");
      var st = a.state === "acknowledged"
        ? 'acknowledged<div class="muted">by ' + esc(a.ackBy) + ", " + ago(a.ackAt) + "</div>"
        : "raised";
      var button = a.state === "raised" ? '<button class="ack" data-ack="' + esc(a.id) + '">Acknowledge</button>' : "";
      return '<tr class="alert alert-' + esc(a.state) + '" data-alert-id="' + esc(a.id) + '" data-rule="' + esc(a.rule) +
        '" data-state="' + esc(a.state) + '"><td><span class="sev sev-' + esc(a.severity) + '">' + esc(a.severity) + "</span></td><td>" +
        where + "</td><td>" + esc(a.message) + "</td><td>" + (a.value != null ? esc(fmtq(a.quantity, a.value, a.unit)) : "") +
        "</td><td>" + ago(a.raisedAt) + '</td><td class="alert-state">' + st + "</td><td>" + button + "</td></tr>";
    }).join("");
  }

  function sparkOf(node, sensor, q) {
    var n = sparks[node], s = n && n[sensor], p = s && s[q.quantity];
    return p || q.spark;
  }

  function renderSensor(node, s) {
    var qs = (s.quantities || []).map(function (q) {
      var flag = q.catalogue
        ? ' <span class="uncatalogued" title="' + esc(q.catalogue === "unit_mismatch"
          ? "unit " + q.unit + " is not the catalogue's (" + q.catalogueUnit + ")" : "quantity not in the catalogue") +
          '">' + esc(q.catalogue.replace("_", " ")) + "</span>" : "";
      return '<div class="q" data-quantity="' + esc(q.quantity) + '"><span class="name">' + esc(q.quantity) + flag +
        '</span><span class="val quality-' + esc(q.quality) + '" title="' + esc(q.quality) + ", " + esc(q.timestamp) + '">' +
        esc(q.catalogue ? fmt(q.value) + " " + q.unit : fmtq(q.quantity, q.value, q.unit)) + "</span>" + spark(sparkOf(node, s.id, q)) + "</div>";
    }).join("");
    var err = s.status === "fault" && s.lastError
      ? '<div class="error">' + esc(s.lastError.code) + ": " + esc(s.lastError.message) + "</div>" : "";
    return '<div class="sensor" data-sensor="' + esc(s.id) + '"><div class="sensor-id">' + esc(s.id) +
      '<br><span class="pill sensor-' + esc(s.status) + '">' + esc(s.status) + "</span></div><div class=\"quantities\">" +
      (qs || '<span class="muted">no readings yet</span>') + "</div>" + err + renderReadNow(node, s.id) + "</div>";
  }

  function renderReadNow(node, sensor) {
    if (!mayReadNow) { return ""; }
    var shown = readNow[node + "/" + sensor];
    return '<div class="read-now"><button class="read-now" data-read-node="' + esc(node) + '" data-read-sensor="' + esc(sensor) +
      '">Read now</button>' + (shown ? ' <span class="read-now-result">' + esc(shown) + "</span>" : "") + "</div>";
  }

  function describeAnswer(a) {
    if (a.error && !a.status) { return a.error; } // the hub's own error body
    if (a.status === "error") { return a.error + ": " + a.message; }
    var parts = (a.readings || []).map(function (r) { return r.quantity + " " + fmtq(r.quantity, r.value, r.unit); });
    (a.faults || []).forEach(function (f) { parts.push(f.code + ": " + f.message); });
    return (a.status === "fault" ? "fault: " : "") + parts.join(", ");
  }

  function askReadNow(node, sensor, button) {
    button.disabled = true;
    var key = node + "/" + sensor;
    fetch("/api/nodes/" + encodeURIComponent(node) + "/sensors/" + encodeURIComponent(sensor) + "/read", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CityBrain-Request": "read" }
    }).then(function (r) {
      return r.json().then(function (a) { return describeAnswer(a) + (r.ok ? "" : " (HTTP " + r.status + ")"); });
    }).then(function (text) {
      readNow[key] = text + " \u00b7 " + new Date().toLocaleTimeString();
    }).catch(function (e) {
      readNow[key] = "failed: " + e.message;
    }).then(function () {
      render();
    });
  }

  function renderCounts(n) {
    var c = n.sensorCounts || {};
    var parts = ["ok", "stale", "fault", "idle"].filter(function (k) { return c[k]; }).map(function (k) {
      return '<span class="count" data-count="' + k + '"><span class="pill sensor-' + k + '">' + k + "</span> " + c[k] + "</span>";
    });
    return '<div class="sensor-counts">' + (c.total ? c.total + " sensor" + (c.total === 1 ? "" : "s") + ": " + parts.join(" ") : '<span class="muted">no sensors</span>') + "</div>";
  }

  function renderNode(n) {
    var meta = [];
    if (n.street) { meta.push(esc(n.street)); }
    meta.push("seen " + ago(n.lastSeen));
    if (n.state === "offline") { meta.push("offline: " + esc(n.offlineReason || "unknown")); }
    if (n.buffer) {
      var dropped = 0;
      Object.keys(n.buffer.dropped || {}).forEach(function (k) { dropped += n.buffer.dropped[k]; });
      meta.push("buffer " + n.buffer.readings + (dropped ? ", dropped " + dropped : ""));
    }
    if (n.publish) { meta.push(n.publish.connected ? "p50 " + fmt(n.publish.latencyP50Ms) + " ms" : "edge publisher disconnected"); }
    if (n.sequence && n.sequence.missing) { meta.push(n.sequence.missing + " missing"); }
    var detail = n.sensors || (opened[n.node] && opened[n.node].sensors);
    var toggle = n.sensors ? "" : opened[n.node]
      ? '<button class="open" data-close="' + esc(n.node) + '">Hide sensors</button>'
      : '<button class="open" data-open="' + esc(n.node) + '">Show sensors</button>';
    return '<article class="node status-' + esc(n.status) + '" data-node="' + esc(n.node) + '" data-status="' + esc(n.status) + '"' +
      (detail ? ' data-detail="true"' : "") + ">" +
      '<div class="node-head"><b>' + esc(n.node) + '</b><span class="pill status-' + esc(n.status) + '">' + esc(n.status) + "</span>" +
      (n.restored ? '<span class="restored" title="last known state, loaded at hub start">last known</span>' : "") + toggle + "</div>" +
      '<div class="node-meta">' + meta.join(" · ") + "</div>" +
      (n.sensors ? "" : renderCounts(n)) +
      (detail || []).map(function (s) { return renderSensor(n.node, s); }).join("") + "</article>";
  }

  function renderHint() {
    var s = state.scope, hint = el("scope-hint");
    if (s && !s.detail && scopeIsCurrent()) {
      hint.textContent = s.nodes + " nodes with " + s.sensors + " sensors match: more than " + s.maxDetailSensors +
        ", so sensors are shown as counts per status. Narrow the filters (district, grid, status, search) to see " +
        "values and sparklines, or open a node with \u201cShow sensors\u201d.";
      hint.hidden = false;
    } else {
      hint.hidden = true;
    }
  }

  // Nodes (already in the hierarchy's order from the hub) as a tree of groups, each with its health summed up.
  function groupTree(nodes) {
    var root = { children: [], nodes: [] }, index = {};
    nodes.forEach(function (n) {
      var g = root, path = "";
      LEVELS.forEach(function (level) {
        var v = n[level.key];
        if (v == null || v === "") { return; }
        path += "/" + level.key + ":" + v;
        var child = index[path];
        if (!child) {
          child = index[path] = { level: level, value: v, path: path, children: [], nodes: [],
            health: { nodes: 0, ok: 0, stale: 0, fault: 0, offline: 0 } };
          g.children.push(child);
        }
        g = child;
        var h = g.health, c = n.sensorCounts || {};
        h.nodes++; h.ok += c.ok || 0; h.stale += c.stale || 0; h.fault += c.fault || 0;
        if (n.status === "offline") { h.offline++; }
      });
      g.nodes.push(n);
    });
    return root;
  }

  function renderHealth(h) {
    return '<span class="group-health">' + h.nodes + " node" + (h.nodes === 1 ? "" : "s") + " \u00b7 sensors" +
      ["ok", "stale", "fault"].map(function (k) {
        return ' <span class="count" data-count="' + k + '"><span class="pill sensor-' + k + '">' + k + "</span> " + h[k] + "</span>";
      }).join("") +
      (h.offline ? ' \u00b7 <span class="count" data-count="offline"><span class="pill status-offline">offline</span> ' + h.offline + "</span>" : "") +
      "</span>";
  }

  function renderGroup(g) {
    var folded = !!collapsed[g.path], key = g.level.key;
    return '<section class="group ' + key + '" data-level="' + key + '" data-' + key + '="' + esc(g.value) + '" data-path="' + esc(g.path) + '"' +
      (folded ? ' data-collapsed="true"' : "") + '><h3 class="group-head"><button class="group-toggle" data-toggle="' + esc(g.path) +
      '" aria-expanded="' + !folded + '">' + esc(g.level.label) + " " + esc(g.value) + "</button>" + renderHealth(g.health) + "</h3>" +
      (folded ? "" : '<div class="group-body">' + g.children.map(renderGroup).join("") +
        (g.nodes.length ? '<div class="grid-nodes">' + g.nodes.map(renderNode).join("") + "</div>" : "") + "</div>") +
      "</section>";
  }

  function renderNodes() {
    renderHint();
    var tree = groupTree(state.nodes.filter(visible));
    var html = tree.children.map(renderGroup).join("") +
      (tree.nodes.length ? '<div class="grid-nodes">' + tree.nodes.map(renderNode).join("") + "</div>" : "");
    el("nodes").innerHTML = html || '<p class="muted">No nodes match.</p>';
  }

  function render() {
    renderFilters();
    renderAlerts();
    renderNodes();
  }

  function connection(kind, text) {
    var c = el("connection");
    c.className = "conn conn-" + kind;
    c.textContent = text;
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function applyState(s) {
    state.nodes = s.nodes || [];
    state.alerts = s.alerts || { active: [], recent: [] };
    state.scope = s.scope || null;
    render();
  }

  // Fallback without the live stream: the same scoped payloads, state every 2 s, sparklines every 30 s.
  function poll() {
    var withSparks = polls++ % 15 === 0;
    Promise.all([getJson("/api/state" + query()), withSparks ? getJson("/api/sparks" + query()) : null])
      .then(function (j) {
        if (j[1]) { sparks = j[1].nodes || {}; }
        applyState(j[0]);
        connection("wait", "polling");
      })
      .catch(function () { connection("down", "disconnected"); });
  }

  function startPolling() {
    if (!pollTimer) { polls = 0; pollTimer = setInterval(poll, 2000); poll(); }
  }

  function connect() {
    if (!window.EventSource) { startPolling(); return; }
    if (source) { source.close(); }
    source = new EventSource("/api/events" + query());
    source.addEventListener("sparks", function (e) {
      sparks = JSON.parse(e.data).nodes || {};
      renderNodes();
    });
    source.addEventListener("state", function (e) {
      applyState(JSON.parse(e.data));
      connection("live", "live");
      if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    });
    source.onerror = function () {
      connection("wait", "reconnecting…");
      startPolling();
    };
  }

  // New filters: a new scope for the hub (the stream reconnects; polling picks it up at its next round).
  function rescope(delay) {
    if (reconnectTimer) { clearTimeout(reconnectTimer); }
    reconnectTimer = setTimeout(function () {
      reconnectTimer = null;
      if (pollTimer) { polls = 0; poll(); }
      if (window.EventSource) { connect(); }
    }, delay);
  }

  function openNode(node) {
    return getJson("/api/nodes/" + encodeURIComponent(node)).then(function (view) {
      if (!opened[node]) {
        openOrder.push(node);
        if (openOrder.length > MAX_OPENED) { delete opened[openOrder.shift()]; }
      }
      opened[node] = view;
      renderNodes();
    });
  }

  function closeNode(node) {
    delete opened[node];
    openOrder = openOrder.filter(function (n) { return n !== node; });
    renderNodes();
  }

  function refreshOpened() {
    openOrder.slice().forEach(function (node) {
      openNode(node).catch(function () { closeNode(node); });
    });
  }

  function acknowledge(id, button) {
    button.disabled = true;
    fetch("/api/alerts/" + encodeURIComponent(id) + "/ack", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CityBrain-Request": "ack", "Content-Type": "application/json" },
      body: JSON.stringify({ by: "operator" })
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (a) {
      state.alerts.active = state.alerts.active.map(function (x) { return x.id === a.id ? a : x; });
      renderAlerts();
    }).catch(function (e) {
      button.disabled = false;
      button.title = "failed: " + e.message;
    });
  }

  el("nodes").addEventListener("click", function (e) {
    var t = e.target.closest("button[data-toggle]");
    if (t) {
      var path = t.getAttribute("data-toggle");
      if (collapsed[path]) { delete collapsed[path]; } else { collapsed[path] = true; }
      renderNodes();
      return;
    }
    var r = e.target.closest("button[data-read-sensor]");
    if (r) { askReadNow(r.getAttribute("data-read-node"), r.getAttribute("data-read-sensor"), r); return; }
    var b = e.target.closest("button[data-open], button[data-close]");
    if (!b) { return; }
    if (b.hasAttribute("data-close")) { closeNode(b.getAttribute("data-close")); return; }
    b.disabled = true;
    openNode(b.getAttribute("data-open")).catch(function (err) {
      b.disabled = false;
      b.title = "failed: " + err.message;
    });
  });
  el("alerts").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-ack]");
    if (b) { acknowledge(b.getAttribute("data-ack"), b); }
  });
  ["district", "grid", "status", "text"].forEach(function (f) {
    var input = el("f-" + f);
    input.addEventListener(f === "text" ? "input" : "change", function () {
      filters[f] = input.value.trim();
      if (f === "district") { filters.grid = ""; }
      render();
      rescope(f === "text" ? 300 : 0);
    });
  });
  setInterval(renderAlerts, 30000);
  setInterval(refreshOpened, 15000);
  loadCatalogue();
  fetch("/api/viewer", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : {}; }).then(function (v) {
    if (v.readNow) { mayReadNow = true; render(); }
  }).catch(function () { /* read-only */ });
  connect();
})();
