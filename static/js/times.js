// Loads a day's free times into the booking form in place. Without this script the
// "Show free times" button sends the form back to be shown again with that day's
// times (everything typed kept); the markup is the same.
(function () {
  "use strict";
  var form = document.getElementById("booking-form");
  var box = document.querySelector("[data-times]");
  if (!form || !box || !window.fetch) return;
  var treatment = document.getElementById("treatment");
  var day = document.getElementById("preferred_date");
  var list = box.querySelector("[data-times-list]");
  var legend = box.querySelector("legend");
  var status = box.querySelector("[data-times-status]");
  var callMe = document.getElementById("time-call-me");
  var parts = [["morning", "Morning", 0, 12], ["afternoon", "Afternoon", 12, 17], ["evening", "Evening", 17, 24]];
  var request = 0;

  function currentQuery() {
    return "date=" + encodeURIComponent(day.value) +
      (treatment.value ? "&treatment=" + encodeURIComponent(treatment.value) : "");
  }

  function clock(hhmm) {
    var hour = parseInt(hhmm.slice(0, 2), 10);
    return (hour % 12 || 12) + ":" + hhmm.slice(3) + (hour < 12 ? " am" : " pm");
  }

  function dayWords(iso) {
    var p = iso.split("-");
    return new Date(+p[0], +p[1] - 1, +p[2]).toLocaleDateString("en-US", {
      weekday: "long", month: "long", day: "numeric"
    });
  }

  function render(data) {
    list.textContent = "";
    legend.textContent = "Free times on " + dayWords(data.date);
    parts.forEach(function (part) {
      var times = data.times.filter(function (t) {
        var hour = parseInt(t.slice(0, 2), 10);
        return hour >= part[2] && hour < part[3];
      });
      if (!times.length) return;
      var group = document.createElement("div");
      group.className = "time-part";
      group.setAttribute("role", "group");
      group.setAttribute("aria-labelledby", "part-" + part[0]);
      var label = document.createElement("p");
      label.className = "time-part-label";
      label.id = "part-" + part[0];
      label.textContent = part[1];
      var options = document.createElement("div");
      options.className = "time-options";
      times.forEach(function (t) {
        var value = data.date + "T" + t;
        var option = document.createElement("div");
        option.className = "time-option";
        var input = document.createElement("input");
        input.type = "radio";
        input.name = "appointment_start";
        input.id = "time-" + value;
        input.value = value;
        var text = document.createElement("label");
        text.htmlFor = input.id;
        text.textContent = clock(t);
        option.appendChild(input);
        option.appendChild(text);
        options.appendChild(option);
      });
      group.appendChild(label);
      group.appendChild(options);
      list.appendChild(group);
    });
    if (callMe) callMe.checked = true;
    status.textContent = data.times.length
      ? data.times.length + " free times. A consultation takes " + data.minutes + " minutes."
      : "No free times on that day. Choose another day, or ask us to call you.";
  }

  // The old day's times go dead the moment the day changes, before the new day's
  // arrive: a time can never be chosen under a day it is not on.
  function disableStale() {
    list.querySelectorAll('input[name="appointment_start"]').forEach(function (input) {
      if (input.value.slice(0, 10) !== day.value) {
        input.checked = false;
        input.disabled = true;
      }
    });
  }

  function load() {
    disableStale();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day.value)) return;
    var query = currentQuery();
    // The day shown already (a second change event, or the server's own render):
    // loading it again would clear a time the patient has just chosen.
    if (query === shown) return;
    shown = query;
    var mine = ++request;
    status.textContent = "Loading free times…";
    fetch(form.action + "/times.json?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (mine !== request) return;
        render(data);
        history.replaceState(null, "", form.action + "?" + query.replace("date=", "preferred_date="));
      })
      .catch(function () {
        if (mine === request) shown = null;
        if (mine === request) status.textContent = "We could not load the times. Press “Show free times” to try again.";
      });
  }

  var shown = box.querySelector("legend").textContent.indexOf("Free times on") === 0
    ? currentQuery() : null;
  treatment.addEventListener("change", load);
  day.addEventListener("change", load);
  var show = form.querySelector("[data-show-times]");
  if (show) show.addEventListener("click", function (event) {
    event.preventDefault();
    load();
  });
})();
