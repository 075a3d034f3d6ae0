(function () {
  "use strict";
  // The signal graph report: draws the cards and edges from the data island, filters them and keeps
  // the view in the URL hash (#search=..&app=..&signal=..&model=..&problems=1&tests=1&installed=1&collapse=..&select=..).
  // Text from the analysed code is only ever assigned with textContent or setAttribute.
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var graph = document.getElementById("graph");
  var layer = document.getElementById("edge-layer");
  var svg = document.getElementById("edges");
  var search = document.getElementById("search");
  var problems = document.getElementById("problems");
  var tests = document.getElementById("tests");
  var installed = document.getElementById("installed");
  var facets = { app: document.getElementById("facet-app"), signal: document.getElementById("facet-signal"), model: document.getElementById("facet-model") };
  var count = document.getElementById("match-count");
  var hint = document.getElementById("edge-hint");
  var SVG = "http://www.w3.org/2000/svg";
  var GAP = 10;
  var nodes = data.nodes, ids = Object.keys(nodes).sort();
  var els = {}, groupEls = {}, visible = {}, collapsed = {}, paths = [], pinned = null, hovered = null;
  var byName = {};
  ids.forEach(function (id) { if (!(nodes[id].name in byName)) byName[nodes[id].name] = id; });

  // -- small DOM helpers --------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) { for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]); return parent; }
  function text(value) { return document.createTextNode(String(value)); }
  function breakable(name, cls) {  // a dotted name that may wrap after its dots only
    var span = el("span", cls);
    String(name).split(".").forEach(function (part, i, all) {
      add(span, text(part + (i < all.length - 1 ? "." : "")));
      if (i < all.length - 1) add(span, document.createElement("wbr"));
    });
    return span;
  }
  function codeSpan(value) {  // an identifier in a message: never broken inside a segment
    var code = el("code");
    String(value).split(".").forEach(function (part, i, all) {
      add(code, el("span", "seg", part + (i < all.length - 1 ? "." : "")));
      if (i < all.length - 1) add(code, document.createElement("wbr"));
    });
    return code;
  }
  function message(value) {
    var span = el("span", "msg"), pieces = String(value || "").split("`");
    if (pieces.length % 2 === 0) return add(span, text(value));
    pieces.forEach(function (piece, i) { add(span, i % 2 ? codeSpan(piece) : text(piece)); });
    return span;
  }
  function status(name) {
    return data.statuses[name] || { label: name, explained: "", colour: "#be185d", dead: true };
  }
  function colour(e, name) { e.style.setProperty("--status", status(name).colour); return e; }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function shown(path) {
    if (!path) return "";
    return data.root && path.indexOf(data.root + "/") === 0 ? path.slice(data.root.length + 1) : path;
  }
  function split(name) {  // ["shop.models", "Order"]: the module is everything before the first capitalised part
    var parts = String(name).split(".");
    for (var i = 1; i < parts.length - 1; i++) if (/^[A-Z]/.test(parts[i])) return [parts.slice(0, i).join("."), parts.slice(i).join(".")];
    return parts.length > 1 ? [parts.slice(0, -1).join("."), parts[parts.length - 1]] : ["", name];
  }
  function href(path, line) {
    var link = data.link;
    if (!link || !path) return null;
    var abspath = (link.root ? link.root.replace(/\/$/, "") + "/" : "") + path;
    return link.template.split("{path}").join(encodeURI(path)).split("{abspath}").join(encodeURI(abspath))
      .split("{line}").join(encodeURIComponent(String(line || 1))).split("{rev}").join(encodeURIComponent(link.rev));
  }
  function loc(path, line, home) {
    if (!path) return null;
    var label = path === home && line ? "line " + line : shown(path) + (line ? ":" + line : "");
    var url = href(path, line);
    var e = el(url ? "a" : "span", "loc", label);
    e.title = path + (line ? ":" + line : "");
    if (url) { e.setAttribute("href", url); e.setAttribute("rel", "noopener noreferrer"); }
    return e;
  }
  function findingList(indices, home) {
    if (!indices.length) return null;
    var list = el("ul", "findings");
    list.setAttribute("aria-label", "findings");
    indices.forEach(function (i) {
      var f = data.findings[i], severity = ["error", "warning", "info"].indexOf(f.severity) >= 0 ? f.severity : "other";
      var item = el("li", "finding sev-" + severity);
      item.title = String(f.message || "");
      add(item, el("span", "code", f.code), text(" "), el("span", "rule", f.name), text(" "), message(f.message), text(" "), loc(f.path, f.line, home));
      list.appendChild(item);
    });
    return list;
  }
  function head(node, short, module, home, mark) {
    var h = el("div", "head"), name = breakable(short, "name");
    name.title = node.name;
    add(h, name, mark, loc(node.path, node.line, null));
    var wrap = add(document.createDocumentFragment(), h);
    var redundant = home && module && (home.slice(-(module.replace(/\./g, "/").length + 3)) === module.replace(/\./g, "/") + ".py" || home.slice(-(module.replace(/\./g, "/").length + 12)) === module.replace(/\./g, "/") + "/__init__.py");
    if (module && !redundant) add(wrap, breakable(module, "module"));
    return wrap;
  }

  // -- cards --------------------------------------------------------------------------------------
  function card(node) {
    var e = el("article", "node " + node.kind);
    e.id = node.id;
    e.setAttribute("data-name", node.name);
    e.setAttribute("data-search", (node.name + " " + (node.path || "")).toLowerCase());
    if (node.app) e.setAttribute("data-app", node.app);
    if (node.findings.length) e.classList.add("has-findings");
    if (node.kind === "sender") senderCard(e, node);
    else if (node.kind === "signal") signalCard(e, node);
    else receiverCard(e, node);
    if (node.installed) {  // read from an installed package: hidden until the toggle is on
      e.classList.add("installed");
      e.setAttribute("data-installed", node.installed);
      add(e, el("div", "meta installed-from", "installed: " + node.installed));
    }
    return e;
  }
  function senderCard(e, node) {
    var parts = node.unresolved ? ["", node.name] : split(node.name);
    if (node.unresolved) e.classList.add("unresolved");
    add(e, head(node, parts[1], parts[0], null, null));
    var groups = {}, order = [];
    node.sends.forEach(function (i) {
      var s = data.sends[i], key = s.signal + "\u0000" + s.method;
      if (!groups[key]) { groups[key] = []; order.push(key); }
      groups[key].push(s);
    });
    if (order.length) {
      var list = el("ul", "sends");
      list.setAttribute("aria-label", "send sites");
      order.sort().forEach(function (key) {
        var sites = groups[key], s = sites[0], signal = nodes[byName[s.signal]];
        var item = el("li");
        var args = {};
        sites.forEach(function (site) { (site.arguments || []).forEach(function (a) { args[a] = true; }); });
        item.title = Object.keys(args).length ? "sends " + Object.keys(args).sort().join(", ") : "sends no arguments besides sender";
        add(item, el("span", "method", "." + s.method + "()"), text(" "), el("span", "sig", signal ? signal.short : s.signal), text(" "), loc(s.path, s.line, null));
        if (sites.length > 1) {
          var more = el("span", "more", "+" + (sites.length - 1) + " more");
          more.title = sites.map(function (site) { return shown(site.path) + ":" + site.line; }).join("\n");
          add(item, text(" "), more);
        }
        list.appendChild(item);
      });
      e.appendChild(list);
    }
    var listeners = {};
    node.conns.forEach(function (i) { listeners[data.connections[i].receiver] = true; });
    if (Object.keys(listeners).length) add(e, el("div", "meta", "listened for by " + plural(Object.keys(listeners).length, "receiver")));
    if (node.unresolved) add(e, el("div", "meta", "send sites whose sender= is not resolved statically"));
    add(e, findingList(node.findings, null));
  }
  function signalCard(e, node) {
    e.classList.add(node.builtin ? "builtin" : "project");
    var module = node.name.slice(-(node.short.length + 1)) === "." + node.short ? node.name.slice(0, -(node.short.length + 1)) : "";
    add(e, head(node, node.short, module, node.path, null));
    var meta = el("div", "meta");
    add(meta, el("span", node.builtin ? "tag" : "tag project", node.builtin ? "built-in" : "project"));
    if (node.modelSignal) add(meta, el("span", "tag", "model signal"));
    var receivers = {}, live = {};
    node.conns.forEach(function (i) { var c = data.connections[i]; receivers[c.receiver] = true; if (c.status === "live") live[c.receiver] = true; });
    var total = Object.keys(receivers).length, dead = total - Object.keys(live).length;
    add(meta, total ? text(plural(total, "receiver")) : el("span", "warn", "no receivers"));
    if (dead) add(meta, text(" "), el("span", "warn", "(" + dead + " not running)"));
    if (!node.sends.length && !node.builtin) add(meta, text(" \u00b7 "), el("span", "warn", "never sent"));
    add(e, meta, findingList(node.findings, node.path));
  }
  function receiverCard(e, node) {
    var st = node.status, info = status(st), parts = split(node.name), module = parts[0];
    e.classList.add("status-" + st.replace(/[^a-z0-9-]/gi, "-"));
    e.setAttribute("data-status", st);
    colour(e, st);
    if (st === "test-only") e.classList.add("test-only");
    else if (info.dead) e.classList.add("dead");
    if (node.rkind && node.rkind !== "function") module = module ? module + " (" + node.rkind + ")" : "(" + node.rkind + ")";
    var mark = null;
    if (st !== "live") {
      mark = colour(el("span", "mark", info.label), st);
      mark.title = info.explained;
    }
    var main = add(el("div", "main"), head(node, parts[1], module, node.path, mark));
    var deadConns = node.conns.filter(function (i) { return data.connections[i].status !== "live"; });
    if (st === "live" && deadConns.length) add(main, el("div", "meta warn", deadConns.length + " of " + node.conns.length + " connections do not run"));
    var list = el("ul", "conns");
    list.setAttribute("aria-label", "connections");
    node.conns.forEach(function (i) {
      var c = data.connections[i], cs = c.status, item = colour(el("li", "conn conn-" + String(cs).replace(/[^a-z0-9-]/gi, "-")), cs);
      if (cs !== "live" && node.conns.length > 1) add(item, colour(el("span", "badge", status(cs).label), cs), text(" "));
      var sender = c.sender === null || c.sender === undefined ? "any sender" : typeof c.sender === "object" ? "(" + Object.keys(c.sender).sort().map(function (k) { return k + ": " + c.sender[k]; }).join(", ") + ")" : String(c.sender);
      var snd = el("span", "snd", typeof c.sender === "string" ? split(sender)[1] : sender);
      snd.title = sender;
      var signal = nodes[byName[c.signal]];
      add(item, el("span", "sig", signal ? signal.short : c.signal), text(" "), el("span", "for", "from"), text(" "), snd);
      var flags = [];
      if (c.weak === false) flags.push("weak=False");
      if (c.dispatch_uid !== null && c.dispatch_uid !== undefined) flags.push("dispatch_uid=" + (typeof c.dispatch_uid === "string" ? "'" + c.dispatch_uid + "'" : c.dispatch_uid));
      if (c.conditional) flags.push("connected later (" + (c.context || "function") + ")");
      if (c.condition) flags.push("if " + c.condition);
      if (flags.length) add(item, text(" "), el("span", "flags", flags.join(" \u00b7 ")));
      if (c.path !== node.path) add(item, text(" "), loc(c.path, c.line, node.path));
      if (c.reason && cs !== "live") add(item, add(el("div", "reason"), message(c.reason)));
      list.appendChild(item);
    });
    if (node.conns.length) main.appendChild(list);
    add(e, main, findingList(node.findings, node.path));
  }

  // -- the page around the graph ------------------------------------------------------------------
  function chip(label, cls, st) { var c = el("span", "chip " + (cls || ""), label); if (st) colour(c, st); return c; }
  function tile(value, label, detail, cls) {
    var t = el("div", "tile " + (cls || ""));
    add(t, el("div", "value", value), text(" "), el("div", "label", label));
    if (detail) add(t, typeof detail === "string" ? el("div", "detail", detail) : add(el("div", "detail"), detail));
    return t;
  }
  function summary() {
    var box = document.getElementById("summary"), kinds = { sender: 0, signal: 0, receiver: 0 }, project = 0, dead = 0;
    ids.forEach(function (id) {
      var n = nodes[id];
      kinds[n.kind]++;
      if (n.kind === "signal" && !n.builtin) project++;
      if (n.kind === "receiver" && status(n.status).dead) dead++;
    });
    var statuses = {}, later = 0;
    data.connections.forEach(function (c) { statuses[c.status] = (statuses[c.status] || 0) + 1; if (c.conditional) later++; });
    var chips = document.createDocumentFragment();
    Object.keys(statuses).sort(function (a, b) { return (a === "live" ? -1 : b === "live" ? 1 : a < b ? -1 : 1); }).forEach(function (s) { add(chips, chip(statuses[s] + " " + status(s).label, "", s), text(" ")); });
    if (later) add(chips, chip(later + " connected later", "", "later"));
    var severities = {};
    data.findings.forEach(function (f) { severities[f.severity] = (severities[f.severity] || 0) + 1; });
    var fchips = document.createDocumentFragment();
    ["error", "warning", "info"].forEach(function (s) { if (severities[s]) add(fchips, chip(severities[s] + " " + s, "sev-" + s), text(" ")); });
    add(box,
      tile(kinds.sender, "senders"),
      tile(kinds.signal, "signals", project + " project \u00b7 " + (kinds.signal - project) + " built-in"),
      tile(kinds.receiver, "receivers", dead ? chip(dead + " dead", "", "collected") : "all run", dead ? "bad" : ""),
      tile(data.connections.length, "connections", chips),
      tile(data.sends.length, "send sites"),
      tile(data.findings.length, "findings", data.findings.length ? fchips : "none", data.findings.length ? "bad" : "good"));
  }
  function legend() {
    var box = document.getElementById("legend"), list = el("ul"), meanings = el("dl");
    list.setAttribute("aria-label", "legend");
    var entries = [["send", "sends", "an explicit .send()/.asend() site", null], ["filter", "listened for", "a receiver's sender=; model signals are sent by Django itself", null]];
    Object.keys(data.statuses).sort().forEach(function (s) {
      var info = data.statuses[s];
      entries.push([s === "live" ? "live" : s === "later" ? "later" : s === "test-only" ? "test" : "dead", info.label, info.explained, s]);
    });
    entries.forEach(function (entry) {
      var item = el("li"), icon = document.createElementNS(SVG, "svg"), line = document.createElementNS(SVG, "path");
      item.title = entry[2];
      icon.setAttribute("width", "34"); icon.setAttribute("height", "10");
      line.setAttribute("d", "M1 5 H31");
      line.setAttribute("class", "edge edge-" + entry[0]);
      if (entry[3]) colour(line, entry[3]);
      icon.appendChild(line);
      add(list, add(item, icon, text(entry[1])));
      add(meanings, el("dt", "", entry[1]), el("dd", "", entry[2]));
    });
    add(list, add(el("li"), el("span", "swatch swatch-dead"), text("dead receiver")), add(el("li"), el("span", "swatch swatch-later"), text("conditional receiver")), add(el("li"), el("span", "swatch swatch-finding"), text("finding")));
    var details = add(el("details"), el("summary", "", "what they mean"), meanings);
    add(box, list, details);
  }
  function deadList() {
    var list = document.getElementById("dead-list"), deadIds = [];
    data.columns[2].forEach(function (id) { if (status(nodes[id].status).dead) deadIds.push(id); });
    if (!deadIds.length) return;
    document.getElementById("dead-receivers").hidden = false;
    document.getElementById("dead-count").textContent = String(deadIds.length);
    deadIds.forEach(function (id) {
      var n = nodes[id], item = el("li"), name = el("span", "name", n.name);
      item.setAttribute("data-id", id);
      name.title = "show it in the graph";
      name.addEventListener("click", function () { pin(id); writeHash(); });
      add(item, colour(el("span", "mark", status(n.status).label), n.status), name, loc(n.path, n.line, null));
      var reasons = {};
      n.conns.forEach(function (i) { var c = data.connections[i]; if (c.status !== "live" && c.reason) reasons[c.reason] = true; });
      Object.keys(reasons).sort().forEach(function (r) { add(item, add(el("span", "why"), message(r))); });
      list.appendChild(item);
    });
  }
  function otherFindings() {
    if (!data.unattached.length) return;
    document.getElementById("other-findings").hidden = false;
    var list = findingList(data.unattached, null);
    var target = document.getElementById("other-list");
    while (list.firstChild) target.appendChild(list.firstChild);
  }
  function fillFacets() {
    Object.keys(facets).forEach(function (name) {
      data.facets[name].forEach(function (value) { var option = el("option", "", value); option.value = value; facets[name].appendChild(option); });
      facets[name].disabled = !data.facets[name].length;
    });
  }

  // -- the graph ----------------------------------------------------------------------------------
  var apps = [];  // receiver groups, in column order
  function build() {
    document.getElementById("root").textContent = data.root || "";
    data.columns.forEach(function (column, index) {
      var stack = document.getElementById("stack-" + index);
      document.getElementById("count-" + index).textContent = String(column.length);
      column.forEach(function (id) {
        if (index === 2) {
          var app = nodes[id].app || "";
          if (!apps.length || apps[apps.length - 1] !== app) { apps.push(app); stack.appendChild(groupCard(app)); }
        }
        els[id] = card(nodes[id]);
        stack.appendChild(els[id]);
      });
    });
    if (apps.length < 2) apps.forEach(function (app) { groupEls[app].hidden = true; groupEls[app].setAttribute("data-single", "1"); });
    document.getElementById("empty").hidden = ids.length > 0;
  }
  function groupCard(app) {
    var g = el("div", "group");
    g.id = "group-" + (app || "-");
    g.setAttribute("data-app", app);
    var total = 0, dead = 0;
    data.columns[2].forEach(function (id) { if ((nodes[id].app || "") === app) { total++; if (status(nodes[id].status).dead) dead++; } });
    add(g, el("span", "toggle-mark", "\u25be"), el("span", "app", app || "(no app)"), el("span", "counts", plural(total, "receiver") + (dead ? ", " + dead + " dead" : "")));
    g.title = "collapse or expand the receivers of this app";
    g.addEventListener("click", function (ev) { collapsed[app] = !collapsed[app]; writeHash(); filter(); ev.stopPropagation(); });
    groupEls[app] = g;
    return g;
  }

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    search.value = params.get("search") || "";
    problems.checked = params.get("problems") === "1";
    tests.checked = params.get("tests") === "1";
    installed.checked = params.get("installed") === "1";
    Object.keys(facets).forEach(function (name) {
      var value = params.get(name) || "";
      facets[name].value = data.facets[name].indexOf(value) >= 0 ? value : "";
    });
    collapsed = {};
    var folded = params.get("collapse");
    if (folded === "*") apps.forEach(function (app) { collapsed[app] = true; });
    else if (folded) folded.split(",").forEach(function (app) { collapsed[app] = true; });
    var selected = params.get("select");
    pinned = selected && byName[selected] !== undefined ? byName[selected] : null;
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (search.value) params.set("search", search.value);
    Object.keys(facets).forEach(function (name) { if (facets[name].value) params.set(name, facets[name].value); });
    if (problems.checked) params.set("problems", "1");
    if (tests.checked) params.set("tests", "1");
    if (installed.checked) params.set("installed", "1");
    var folded = apps.filter(function (app) { return collapsed[app]; });
    if (folded.length) params.set("collapse", folded.length === apps.length && apps.length > 1 ? "*" : folded.join(","));
    if (pinned) params.set("select", nodes[pinned].name);
    var text = params.toString();
    try { history.replaceState(null, "", text ? "#" + text : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
  }

  function hiddenTestOnly(id) {
    return (!tests.checked && nodes[id].kind === "receiver" && nodes[id].status === "test-only") || (!installed.checked && !!nodes[id].installed);
  }
  // The signal and model facets bound everything shown (that node and its neighbours); the app
  // facet, the search words and "problems only" pick the matches, shown with their neighbours.
  function within(id) {
    var signal = facets.signal.value, model = facets.model.value;
    if (signal) { var s = byName[signal]; if (id !== s && nodes[s].related.indexOf(id) < 0) return false; }
    if (model) {
      var m = ids.filter(function (k) { return nodes[k].kind === "sender" && nodes[k].key === model; })[0];
      if (m === undefined || (id !== m && nodes[m].related.indexOf(id) < 0)) return false;
    }
    return !hiddenTestOnly(id);
  }
  function filter() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var onlyProblems = problems.checked, app = facets.app.value;
    var active = terms.length > 0 || onlyProblems || !!(app || facets.signal.value || facets.model.value);
    var matched = {}, on = {}, nMatched = 0, nShown = 0;
    ids.forEach(function (id) {
      if (!within(id)) return;
      var haystack = els[id].getAttribute("data-search") || "";
      var ok = terms.every(function (t) { return haystack.indexOf(t) !== -1; }) && (!onlyProblems || nodes[id].problem) && (!app || nodes[id].app === app);
      if (ok) { matched[id] = true; on[id] = true; nMatched++; }
    });
    if (active) Object.keys(matched).forEach(function (id) { nodes[id].related.forEach(function (other) { if (within(other)) on[other] = true; }); });
    var groupShown = {};
    ids.forEach(function (id) {
      var show = active ? !!on[id] : !hiddenTestOnly(id);
      var app = nodes[id].app || "";
      if (show && nodes[id].kind === "receiver") groupShown[app] = (groupShown[app] || 0) + 1;
      visible[id] = show && !(nodes[id].kind === "receiver" && collapsed[app]);
      els[id].hidden = !visible[id];
      els[id].classList.toggle("match", active && terms.length > 0 && !!matched[id]);
      els[id].classList.toggle("context", active && !matched[id] && show);
      if (show) nShown++;
    });
    apps.forEach(function (app) {
      var g = groupEls[app];
      g.hidden = !groupShown[app] || g.getAttribute("data-single") === "1" && !collapsed[app];
      g.classList.toggle("collapsed", !!collapsed[app]);
      g.firstChild.textContent = collapsed[app] ? "\u25b8" : "\u25be";
    });
    var testOnly = ids.filter(function (id) { return nodes[id].kind === "receiver" && nodes[id].status === "test-only"; }).length;
    document.getElementById("tests-toggle").hidden = testOnly === 0;
    document.getElementById("tests-label").textContent = "show " + plural(testOnly, "test-only receiver");
    var fromPackages = ids.filter(function (id) { return !!nodes[id].installed; }).length;
    document.getElementById("installed-toggle").hidden = fromPackages === 0;
    document.getElementById("installed-label").textContent = "show " + plural(fromPackages, "node") + " from installed packages";
    document.getElementById("collapse-all").textContent = apps.length > 1 && apps.every(function (a) { return collapsed[a]; }) ? "expand apps" : "collapse apps";
    document.getElementById("collapse-all").hidden = apps.length < 2;
    count.textContent = active ? nMatched + " match" + (nMatched === 1 ? "" : "es") + ", " + nShown + " shown" : nShown + " nodes";
    document.getElementById("no-match").hidden = !active || nMatched > 0;
    graph.setAttribute("data-filter", active ? "on" : "off");
    Array.prototype.forEach.call(document.querySelectorAll("#dead-list li"), function (item) { item.hidden = hiddenTestOnly(item.getAttribute("data-id")); });
    if (pinned && !visible[pinned]) pinned = null;
    layout();
  }

  // where an edge ends: the receiver's card, or its app's card when the app is collapsed
  function target(id) {
    if (visible[id]) return els[id];
    var n = nodes[id];
    if (n.kind === "receiver" && collapsed[n.app || ""] && !groupEls[n.app || ""].hidden) return groupEls[n.app || ""];
    return null;
  }
  function layout() {
    graph.classList.add("laid-out");
    var cols = data.columns.map(function (column) { return column.filter(function (id) { return visible[id]; }); });
    var items = [];  // column 2 with its app cards
    data.columns[2].forEach(function (id, i) {
      var app = nodes[id].app || "";
      if ((i === 0 || (nodes[data.columns[2][i - 1]].app || "") !== app) && !groupEls[app].hidden) items.push(groupEls[app]);
      if (visible[id]) items.push(els[id]);
    });
    var top = new Map(), height = new Map();
    function h(e) { if (!height.has(e)) height.set(e, e.offsetHeight); return height.get(e); }
    var near = {};
    data.edges.forEach(function (e) {
      var a = visible[e.from] ? els[e.from] : null, b = target(e.to);
      if (!a || !b) return;
      (near[e.from] = near[e.from] || []).push(b);
      if (visible[e.to]) (near[e.to] = near[e.to] || []).push(a);
    });
    // Column 2 is stacked in order (apps together); each signal card level with the first card it
    // feeds, each sender with its first signal, pushed down only as far as the cards above need.
    var cursor = 0;
    items.forEach(function (e) { top.set(e, cursor); cursor += h(e) + GAP; });
    function place(column) {
      var c = 0;
      column.forEach(function (id) {
        var e = els[id], want = c;
        var ys = (near[id] || []).filter(function (o) { return top.has(o); }).map(function (o) { return top.get(o); });
        if (ys.length) want = Math.min.apply(null, ys);
        top.set(e, Math.max(c, want));
        c = top.get(e) + h(e) + GAP;
      });
    }
    place(cols[1]);
    place(cols[0]);
    var stackHeight = 0;
    top.forEach(function (y, e) { e.style.top = y + "px"; stackHeight = Math.max(stackHeight, y + h(e)); });
    Array.prototype.forEach.call(graph.querySelectorAll(".stack"), function (stack) { stack.style.height = stackHeight + "px"; });
    draw();
  }

  function focusSet(id) {
    var on = {};
    if (id) { on[id] = true; nodes[id].related.forEach(function (o) { on[o] = true; }); }
    return on;
  }
  function draw() {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    paths = [];
    var receiversShown = data.columns[2].filter(function (id) { return visible[id]; }).length;
    var sparse = receiversShown > data.edgeThreshold;
    var focus = pinned || hovered, on = focusSet(focus);
    var edges = data.edges.filter(function (e) {
      if (!visible[e.from] || !target(e.to)) return false;
      return !sparse || (focus && on[e.from] && (on[e.to] || !visible[e.to]));
    });
    hint.hidden = !sparse;
    hint.textContent = sparse ? plural(receiversShown, "receiver") + " shown: edges are drawn for the node you hover or click (" + plural(edges.length, "edge") + " now); narrow the view with the filter, a facet or by collapsing apps to see them all" : "";
    var box = graph.getBoundingClientRect();
    svg.setAttribute("width", graph.scrollWidth);
    svg.setAttribute("height", graph.scrollHeight);
    var rect = new Map();
    function r(e) {
      if (!rect.has(e)) { var b = e.getBoundingClientRect(); rect.set(e, { left: b.left - box.left, right: b.right - box.left, top: b.top - box.top, height: b.height }); }
      return rect.get(e);
    }
    var drawn = {};
    edges = edges.filter(function (e) {  // edges into a collapsed app: one per source and style
      var a = els[e.from], b = target(e.to), key = e.from + ">" + (b.id || "") + ">" + e.style;
      if (drawn[key]) return false;
      drawn[key] = true;
      e.a = a; e.b = b;
      return true;
    });
    var outs = new Map(), ins = new Map();
    edges.forEach(function (e) {
      if (!outs.has(e.a)) outs.set(e.a, []); outs.get(e.a).push(e);
      if (!ins.has(e.b)) ins.set(e.b, []); ins.get(e.b).push(e);
    });
    function ports(groups, other, key) {
      groups.forEach(function (list, g) {
        list.sort(function (x, y) { return (r(x[other]).top + r(x[other]).height / 2) - (r(y[other]).top + r(y[other]).height / 2) || (x.from + x.to < y.from + y.to ? -1 : 1); });
        var box = r(g), pad = Math.min(14, box.height / 4), n = list.length;
        list.forEach(function (e, i) { e[key] = box.top + pad + (box.height - 2 * pad) * (i + 0.5) / n; });
      });
    }
    ports(outs, "b", "y1");
    ports(ins, "a", "y2");
    edges.forEach(function (e) {
      var x1 = r(e.a).right, x2 = r(e.b).left - 2, dx = Math.max(30, (x2 - x1) * 0.5);
      var p = document.createElementNS(SVG, "path");
      var style = e.style === "send" || e.style === "filter" || e.style === "live" || e.style === "later" ? e.style : e.style === "test-only" ? "test" : "dead";
      p.setAttribute("d", "M" + x1.toFixed(1) + " " + e.y1.toFixed(1) + " C" + (x1 + dx).toFixed(1) + " " + e.y1.toFixed(1) + " " + (x2 - dx).toFixed(1) + " " + e.y2.toFixed(1) + " " + x2.toFixed(1) + " " + e.y2.toFixed(1));
      p.setAttribute("class", "edge edge-" + style);
      p.setAttribute("data-status", e.style);
      colour(p, e.style);
      p.setAttribute("data-from", e.from);
      p.setAttribute("data-to", visible[e.to] ? e.to : e.b.id);
      var t = document.createElementNS(SVG, "title");
      t.textContent = nodes[e.from].name + " \u2192 " + (visible[e.to] ? nodes[e.to].name : e.b.getAttribute("data-app")) + (e.kind === "send" ? " (sent)" : " (" + status(e.style).label + ")");
      p.appendChild(t);
      layer.appendChild(p);
      paths.push(p);
    });
    graph.setAttribute("data-edges", String(edges.length));
    highlight();
  }
  function highlight() {
    var focus = pinned || hovered, on = focusSet(focus);
    graph.classList.toggle("focusing", !!focus);
    ids.forEach(function (k) { els[k].classList.toggle("focus-on", !!on[k]); });
    paths.forEach(function (p) { p.classList.toggle("hl", !!focus && !!on[p.getAttribute("data-from")]); });
    graph.setAttribute("data-focus", focus ? nodes[focus].name : "");
  }
  function sparse() { return data.columns[2].filter(function (id) { return visible[id]; }).length > data.edgeThreshold; }
  function setHover(id) { if (pinned) return; hovered = id; if (sparse()) draw(); else highlight(); }
  function pin(id) { pinned = pinned === id ? null : id; hovered = null; if (id && !visible[id]) { filter(); } if (sparse()) draw(); else highlight(); if (pinned) els[pinned].scrollIntoView({ block: "nearest" }); }

  build();
  summary();
  legend();
  deadList();
  otherFindings();
  fillFacets();
  document.body.classList.remove("no-js");
  ids.forEach(function (id) {
    els[id].addEventListener("mouseenter", function () { setHover(id); });
    els[id].addEventListener("mouseleave", function () { setHover(null); });
    els[id].addEventListener("click", function (ev) {
      if (ev.target.closest && ev.target.closest("a")) return;
      pin(id);
      writeHash();
      ev.stopPropagation();
    });
  });
  document.addEventListener("click", function (ev) {
    if (pinned && !(ev.target.closest && ev.target.closest(".controls, .panel"))) { pinned = null; writeHash(); if (sparse()) draw(); else highlight(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== search) { ev.preventDefault(); search.focus(); }
    if (ev.key === "Escape") { pinned = null; hovered = null; if (document.activeElement === search) search.value = ""; writeHash(); filter(); }
  });
  search.addEventListener("input", function () { writeHash(); filter(); });
  [problems, tests, installed, facets.app, facets.signal, facets.model].forEach(function (control) { control.addEventListener("change", function () { writeHash(); filter(); }); });
  document.getElementById("collapse-all").addEventListener("click", function () {
    var all = apps.every(function (a) { return collapsed[a]; });
    apps.forEach(function (a) { collapsed[a] = !all; });
    writeHash();
    filter();
  });
  window.addEventListener("hashchange", function () { readHash(); filter(); });
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; layout(); });
  });
  readHash();
  filter();
  document.body.setAttribute("data-ready", "1");
})();
