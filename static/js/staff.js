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

// A lead's actions (status, note, assignment, appointment) without a reload: the
// same POST the form would send, then the lead's header and work section swapped
// for the fresh page's, the place on the page kept. Without JavaScript the POST
// redirects back to the same section (#work), so the result is the same.
(function () {
  "use strict";
  var work = document.getElementById("work");
  if (!work || !window.fetch || !window.DOMParser) { return; }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var freshWork = fresh.getElementById("work");
    if (!freshWork) { return false; }
    var head = document.querySelector(".lead-head");
    var freshHead = fresh.querySelector(".lead-head");
    if (head && freshHead) { head.replaceWith(freshHead); }
    work.replaceWith(freshWork);
    work = freshWork;
    document.title = fresh.title;
    document.dispatchEvent(new Event("staff:swapped"));
    var said = work.querySelector(".flashes, .field-error");
    (said || work).setAttribute("tabindex", "-1");
    (said || work).focus({ preventScroll: true });
    // The result in view, moving the page no more than that takes.
    (said || work).scrollIntoView({ block: "nearest" });
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!work.contains(form) || form.method.toLowerCase() !== "post") { return; }
    event.preventDefault();
    var data = new FormData(form, event.submitter || undefined);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          // Signed out meanwhile, or a page without the section: go there properly.
          if (!swap(html)) { window.location.assign(response.url); }
        });
      })
      .catch(function () {
        // Not sent, or no answer: say so and let the person try again (never a
        // second POST behind their back).
        buttons.forEach(function (b) { b.disabled = false; });
        var note = document.createElement("p");
        note.className = "flash flash-error";
        note.setAttribute("role", "alert");
        note.textContent = "Could not reach the server. Nothing was lost: try again.";
        form.prepend(note);
      });
  });
})();

// A note being written survives an idle sign-out: drafts are kept in this browser
// (localStorage, never sent anywhere) until the note shows on the lead as saved,
// and dropped when the person signs out on purpose.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  var prefix = "draft:" + window.location.pathname + ":";

  function restore() {
    var saved = document.querySelector(".notes") ? document.querySelector(".notes").textContent : "";
    document.querySelectorAll("textarea[data-draft]").forEach(function (field) {
      var key = prefix + field.name;
      var draft = store.getItem(key);
      if (!draft) { return; }
      if (saved.indexOf(draft.trim()) !== -1) { store.removeItem(key); return; }
      if (!field.value) {
        field.value = draft;
        var said = document.createElement("p");
        said.className = "hint draft-restored";
        said.textContent = "Restored the note you had not saved yet.";
        field.parentNode.insertBefore(said, field);
      }
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("textarea[data-draft]")) { return; }
    if (field.value.trim()) { store.setItem(prefix + field.name, field.value); }
    else { store.removeItem(prefix + field.name); }
  });
  document.addEventListener("submit", function (event) {
    if (!event.target.matches(".sign-out")) { return; }
    Object.keys(store).forEach(function (key) {
      if (key.indexOf("draft:") === 0) { store.removeItem(key); }
    });
  });
  // After a swapped-in work section (no reload), check again what was saved.
  document.addEventListener("staff:swapped", restore);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restore);
  } else { restore(); }
})();
