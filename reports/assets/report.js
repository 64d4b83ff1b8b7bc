(function () {
  "use strict";
  // Draw every chart from its JSON block (data is escaped inside JSON strings).
  var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
  Array.prototype.forEach.call(blocks, function (el) {
    var fig = JSON.parse(el.textContent);
    Plotly.newPlot(el.getAttribute("data-chart"), fig.data, fig.layout,
      { displaylogo: false, responsive: true, showLink: false, showSendToCloud: false });
  });
  // Review page: filter by flag, queue and channel; open or close every transcript.
  var items = document.querySelectorAll("li.conversation");
  var groups = document.querySelectorAll("section.flag-group");
  var filters = ["flag-filter", "queue-filter", "channel-filter"].map(function (id) {
    return document.getElementById(id);
  }).filter(Boolean);
  var count = document.getElementById("filter-count");
  function matches(li, select) {
    var want = select.value;
    if (want === "") { return true; }
    var attr = select.getAttribute("data-attr");
    var have = li.getAttribute("data-" + attr) || "";
    return attr === "flags" ? have.split("\n").indexOf(want) >= 0 : have === want;
  }
  function applyFilters() {
    var shown = 0;
    Array.prototype.forEach.call(items, function (li) {
      li.hidden = !filters.every(function (s) { return matches(li, s); });
      if (!li.hidden) { shown += 1; }
    });
    Array.prototype.forEach.call(groups, function (g) {
      g.hidden = g.querySelector("li.conversation:not([hidden])") === null;
    });
    if (count) {
      count.textContent = shown === items.length ? "" : shown + " of " + items.length + " shown";
    }
  }
  filters.forEach(function (s) { s.addEventListener("change", applyFilters); });
  function setOpen(open) {
    Array.prototype.forEach.call(items, function (li) {
      if (!li.hidden) { li.querySelector("details").open = open; }
    });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setOpen(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setOpen(false); }); }
  // A link to #conversation-<id> (review sheet, index page) opens that transcript in place.
  function openFromHash() {
    var id;
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    var li = id ? document.getElementById(id) : null;
    var missing = document.getElementById("anchor-missing");
    if (missing) {
      missing.hidden = !(id.indexOf("conversation-") === 0 && !li);
      missing.textContent = missing.hidden ? "" : id.slice(13) +
        " is not listed in this report: only the worst flagged conversations of the period are.";
    }
    if (!li || !li.classList.contains("conversation")) { return; }
    if (li.hidden) {
      filters.forEach(function (s) { s.value = ""; });
      applyFilters();
    }
    li.querySelector("details").open = true;
    li.scrollIntoView();
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
})();
