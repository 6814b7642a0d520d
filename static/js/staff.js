// Staff pages: folded sections (the dashboard, the filters) stay as the person left
// them, in this browser only.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  document.querySelectorAll("details[data-remember]").forEach(function (fold) {
    var key = "fold:" + fold.getAttribute("data-remember");
    var saved = store.getItem(key);
    // Filters that are in use always show; otherwise the last choice wins.
    if (saved !== null && !fold.open) { fold.open = saved === "open"; }
    fold.addEventListener("toggle", function () {
      store.setItem(key, fold.open ? "open" : "closed");
    });
  });
})();
