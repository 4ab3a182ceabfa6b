// Small helpers (no inline scripts: the content security policy forbids them).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof HTMLElement)) return;
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
