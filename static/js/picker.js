// The move and book pickers (a patient's appointment page, a lead's page): when the
// day changes, the times of the old day are disabled at once (so a time can never be
// chosen under the wrong day), then the page for the new day is fetched and its
// picker put in place of this one. Without JavaScript, "Show free times" reloads the
// page for the day; either way the server refuses a time not on the day posted.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) { return; }
  var latest = 0;

  function staleTimes(form, day) {
    form.querySelectorAll('input[name="appointment_start"]').forEach(function (input) {
      if (input.value.slice(0, 10) !== day) {
        input.checked = false;
        input.disabled = true;
      }
    });
  }

  function say(form, words) {
    var status = form.querySelector("[data-times-status]");
    if (status) { status.textContent = words; }
  }

  function load(form, day) {
    var mine = ++latest;
    var url = form.getAttribute("data-picker");
    say(form, "Loading the free times of that day…");
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "date=" + encodeURIComponent(day), {
      headers: { Accept: "text/html" }, credentials: "same-origin"
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        if (mine !== latest) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .querySelector('form[data-picker="' + url + '"]');
        if (!fresh) { throw new Error("no picker"); }
        form.replaceWith(fresh);
        var input = fresh.querySelector("[data-picker-day]");
        if (input) { input.focus(); }
      })
      .catch(function () {
        if (mine === latest) {
          say(form, "We could not load the times. Press “Show free times” to try again.");
        }
      });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-picker-day]")) { return; }
    var form = input.closest("form[data-picker]");
    if (!form) { return; }
    staleTimes(form, input.value);
    if (/^\d{4}-\d{2}-\d{2}$/.test(input.value)) { load(form, input.value); }
  });
})();
