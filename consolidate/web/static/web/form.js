// The browser form ({link}/form): one table at a time, totals computed from the parts the
// spec names (data-parts), and the live check: every pause in typing posts the values to the
// server, which keeps them as the draft and answers with the findings of `consolidate
// validate` on the workbook they make. No rule and no message is written here: the texts
// come from the page (data-* attributes, translated there), the findings from the server.
(function () {
  "use strict";
  var form = document.getElementById("entry");
  var live = document.getElementById("live");
  if (!form || !live) return;
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".tabs .tab"));
  var panels = tabs.map(function (t) { return document.getElementById(t.getAttribute("data-tab")); });
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name]"));
  var outputs = Array.prototype.slice.call(form.querySelectorAll("output[data-parts]"));
  var list = document.getElementById("live-findings");
  var none = document.getElementById("no-findings");
  var current = 0, timer = null, sent = 0, answered = 0;

  function say(name, n) { return (live.getAttribute("data-" + name) || "").replace("{n}", n).replace("{time}", n); }

  function show(index) {
    current = Math.max(0, Math.min(panels.length - 1, index));
    panels.forEach(function (p, i) { p.hidden = i !== current; });
    tabs.forEach(function (t, i) { t.setAttribute("aria-selected", i === current ? "true" : "false"); });
  }
  tabs.forEach(function (t, i) { t.addEventListener("click", function () { show(i); }); });
  document.querySelectorAll("[data-step]").forEach(function (b) {
    b.addEventListener("click", function () {
      show(current + Number(b.getAttribute("data-step")));
      tabs[current].scrollIntoView({block: "nearest"});
      window.scrollTo({top: form.offsetTop - 60});
    });
  });

  // --- totals: a total is the sum of its parts (inputs or totals), as the template's formulas
  function number(text) {
    var t = String(text).replace(/[\s,，]/g, "").replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); });
    if (t === "") return 0;
    return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : NaN;
  }
  function totals() {
    var value = {};
    inputs.forEach(function (i) { if (!i.getAttribute("data-identity")) value[i.name] = number(i.value); });
    for (var pass = 0; pass < 6; pass++) {
      outputs.forEach(function (o) {
        var sum = 0;
        o.getAttribute("data-parts").split(" ").forEach(function (k) { sum += (k in value) ? value[k] : NaN; });
        value[o.getAttribute("data-key")] = sum;
      });
    }
    outputs.forEach(function (o) {
      var v = value[o.getAttribute("data-key")];
      o.textContent = isNaN(v) ? "?" : String(Math.round(v * 1e6) / 1e6);
    });
  }

  // --- the live check
  function payload() {
    var entries = {}, identity = {};
    inputs.forEach(function (i) { (i.getAttribute("data-identity") ? identity : entries)[i.name] = i.value; });
    return JSON.stringify({entries: entries, identity: identity});
  }
  function tabOf(element) {
    for (var i = 0; i < panels.length; i++) if (panels[i].contains(element)) return i;
    return -1;
  }
  function render(answer) {
    document.querySelectorAll(".note").forEach(function (n) { n.textContent = ""; n.className = "note"; });
    document.querySelectorAll(".field.error, .field.warning").forEach(function (f) { f.classList.remove("error", "warning"); });
    var counts = {};
    list.textContent = "";
    answer.findings.forEach(function (f) {
      var li = document.createElement("li");
      var field = f.key ? document.getElementById("f-" + f.key) : null;
      var head = document.createElement(field ? "a" : "b");
      head.className = f.severity;
      head.textContent = f.place || "";
      if (field) {
        head.href = "#f-" + f.key;
        head.addEventListener("click", function (e) {
          e.preventDefault();
          show(tabOf(field));
          field.scrollIntoView({block: "center"});
          var box = field.querySelector("input");
          if (box) box.focus({preventScroll: true});
        });
        if (f.severity !== "info") {
          var note = field.querySelector(".note");
          // under its own cell the message needs no “（row / column）：” of its place
          var text = f.after_place.trim(), cut = text.search(/）：|\): /);
          if (cut >= 0 && /^[（(]/.test(text)) text = text.slice(cut + 2).trim();
          note.textContent = (note.textContent ? note.textContent + " " : "") + text;
          note.className = "note " + f.severity;
          field.classList.add(f.severity);
          var tab = tabOf(field);
          if (tab >= 0 && f.severity === "error") counts[tab] = (counts[tab] || 0) + 1;
        }
      }
      li.appendChild(head);
      li.appendChild(document.createTextNode(f.after_place));
      list.appendChild(li);
    });
    none.hidden = answer.findings.length > 0;
    tabs.forEach(function (t, i) {
      var c = t.querySelector(".count");
      if (c) c.textContent = counts[i] ? " " + counts[i] : "";
      t.classList.toggle("has-errors", !!counts[i]);
    });
    var line = live.querySelector(".verdict-line");
    if (answer.counts.error) { line.textContent = say("errors", answer.counts.error); live.className = "live box invalid"; }
    else if (answer.counts.warning) { line.textContent = say("ok-warnings", answer.counts.warning); live.className = "live box valid"; }
    else { line.textContent = say("ok", 0); live.className = "live box valid"; }
    live.querySelector(".saved").textContent = say("saved", new Date().toLocaleTimeString(document.documentElement.lang || undefined, {hour12: false}));
  }
  function check() {
    var mine = ++sent;
    live.querySelector(".saved").textContent = say("checking", 0);
    fetch(live.getAttribute("data-check"), {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
                                            body: payload(), credentials: "same-origin"})
      .then(function (r) {
        if ((r.status === 429 || r.status === 503) && mine === sent) {  // the server is busy: ask again when it says
          var wait = Math.min(60, Math.max(1, parseInt(r.headers.get("Retry-After"), 10) || 2));
          clearTimeout(timer);
          timer = setTimeout(check, wait * 1000);
          return null;
        }
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (answer) { if (answer && mine >= answered) { answered = mine; render(answer); } })
      .catch(function () { if (mine === sent) live.querySelector(".saved").textContent = say("failed", 0); });
  }
  function changed() {
    totals();
    clearTimeout(timer);
    timer = setTimeout(check, 700);
  }
  inputs.forEach(function (i) {
    if (i.disabled) return;
    i.addEventListener("input", changed);
    i.addEventListener("focus", function () { if (i.value === "0") i.select(); });
  });
  form.addEventListener("submit", function () { clearTimeout(timer); });

  show(0);
  totals();
  if (!inputs.length || !inputs[0].disabled) check();
})();
