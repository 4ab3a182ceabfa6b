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
