(function () {
  "use strict";
  // Draw every chart from its JSON block (data is escaped inside JSON strings).
  var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
  Array.prototype.forEach.call(blocks, function (el) {
    var fig = JSON.parse(el.textContent);
    Plotly.newPlot(el.getAttribute("data-chart"), fig.data, fig.layout,
      { displaylogo: false, responsive: true, showLink: false, showSendToCloud: false });
  });
  // Drill-down: filter by flag, open or close every transcript.
  var items = document.querySelectorAll("li.conversation");
  var filter = document.getElementById("flag-filter");
  if (filter) {
    filter.addEventListener("change", function () {
      var want = filter.value;
      Array.prototype.forEach.call(items, function (li) {
        var flags = li.getAttribute("data-flags").split("\n");
        li.hidden = want !== "" && flags.indexOf(want) < 0;
      });
    });
  }
  function setOpen(open) {
    Array.prototype.forEach.call(items, function (li) {
      if (!li.hidden) { li.querySelector("details").open = open; }
    });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setOpen(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setOpen(false); }); }
})();
