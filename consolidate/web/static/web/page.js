// Small helpers (no inline scripts: the content security policy forbids them).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof HTMLElement)) return;
  if (target.getAttribute("data-print")) { window.print(); return; }
  var jump = target.closest("[data-jump]");
  if (jump) {  // a finding's place: to its cell, in whichever drawing of the tables is shown
    var key = jump.getAttribute("data-jump");
    var cells = document.querySelectorAll('[data-key="' + key.replace(/"/g, "") + '"]');
    for (var i = 0; i < cells.length; i++) {
      if (cells[i].offsetParent === null) continue;
      event.preventDefault();
      var box = cells[i].closest("details");
      if (box) box.open = true;
      cells[i].scrollIntoView({block: "center"});
      cells[i].classList.add("flash");
      setTimeout(function (c) { c.classList.remove("flash"); }, 1600, cells[i]);
      break;
    }
    return;
  }
  var copy = target.getAttribute("data-copy");
  if (copy) {
    var box = document.getElementById(copy);
    if (box) { box.select(); navigator.clipboard && navigator.clipboard.writeText(box.value); }
  }
  var csv = target.getAttribute("data-csv");
  if (csv) {
    var table = document.getElementById(csv);
    if (!table) return;
    var lines = [];
    table.querySelectorAll("tr").forEach(function (tr) {
      var cells = [];
      tr.querySelectorAll("th,td").forEach(function (td) { cells.push('"' + td.innerText.replace(/"/g, '""') + '"'); });
      lines.push(cells.join(","));
    });
    var blob = new Blob(["\ufeff" + lines.join("\r\n")], {type: "text/csv;charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = target.getAttribute("data-name") || "links.csv";
    document.body.appendChild(a); a.click(); a.remove();
  }
});

// A button that locks, re-issues or closes asks first: its form's data-confirm is the question.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
// A button that changes something hard to undo asks first (data-confirm: the question).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof HTMLElement)) return;
  var question = target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
}, true);
// 回执: the print button prints the page (its print styles leave the buttons out).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof HTMLElement && target.getAttribute("data-print")) window.print();
});
// A finding's place jumps to its cell: the grid's on a wide screen, the phone list's on a phone
// (whichever is shown), opening its table and flashing it.
document.addEventListener("click", function (event) {
  var target = event.target instanceof HTMLElement ? event.target.closest("[data-goto]") : null;
  if (!target) return;
  var key = target.getAttribute("data-goto");
  var shown = Array.prototype.filter.call(document.querySelectorAll('[data-key="' + key + '"]'), function (el) {
    var box = el.closest("details");
    if (box) box.open = true;
    return el.getClientRects().length > 0;
  })[0];
  if (!shown) return;
  event.preventDefault();
  shown.scrollIntoView({block: "center"});
  shown.classList.remove("flash"); void shown.offsetWidth; shown.classList.add("flash");
});
