// The newsroom's small helpers. Every screen works without them; with them:
// - the preview follows the typing (the form is POSTed to the preview endpoint, nothing saved);
// - the edit screen says who else has the story open, refreshed by a heartbeat;
// - a note warns that typed changes are not saved yet;
// - the comment queue has a box that ticks every comment on the page.
// No inline code or style anywhere: the Content Security Policy forbids both.
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function livePreview(form) {
    var url = form.getAttribute("data-live-preview");
    var pane = document.getElementById("preview-pane");
    if (!url || !pane) return;
    var timer = null;
    var inFlight = null;
    function refresh() {
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      var data = new FormData(form);
      data.delete("action");
      fetch(url, { method: "POST", body: data, credentials: "same-origin", signal: inFlight.signal })
        .then(function (response) {
          if (!response.ok) throw new Error("preview " + response.status);
          return response.text();
        })
        .then(function (html) {
          pane.innerHTML = html; // rendered and cleaned on the server (stories.rendering)
          pane.setAttribute("data-live", "1");
        })
        .catch(function () { /* a failed preview leaves the last one; the button still works */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
  }

  function unsavedNote(form) {
    var note = document.getElementById("unsaved");
    if (!note) return;
    form.addEventListener("input", function () { note.hidden = false; });
  }

  function presence(box) {
    var url = box.getAttribute("data-presence-url");
    var seconds = parseInt(box.getAttribute("data-heartbeat"), 10) || 15;
    // This screen's id for itself: a heartbeat it sent just before leaving, arriving after the
    // leave, must not bring its line back. A screen restored from the back-forward cache is a
    // new one.
    var page = newPageId();
    function newPageId() { return Math.random().toString(36).slice(2) + Date.now().toString(36); }
    function show(others) {
      while (box.firstChild) box.removeChild(box.firstChild);
      others.forEach(function (present) {
        var line = document.createElement("p");
        line.className = "presence-line";
        line.textContent = "Open by " + present.name + " since " + present.since;
        box.appendChild(line);
      });
    }
    function beat() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrfToken());
      data.append("page", page);
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer) show(answer.others); })
        .catch(function () {});
    }
    var timer = setInterval(beat, seconds * 1000);
    window.addEventListener("pagehide", function () {
      clearInterval(timer);
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrfToken());
      data.append("leave", "1");
      data.append("page", page);
      if (navigator.sendBeacon) navigator.sendBeacon(url, data);
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        page = newPageId();
        beat();
        timer = setInterval(beat, seconds * 1000);
      }
    });
  }

  function tickAll(box) {
    var form = box.form;
    if (!form) return;
    box.closest(".tick-all").hidden = false;
    box.addEventListener("change", function () {
      form.querySelectorAll("input[type=checkbox][name=ids]").forEach(function (tick) {
        tick.checked = box.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("tick-all");
    if (all) tickAll(all);
    var form = document.getElementById("story-form");
    if (form) {
      livePreview(form);
      unsavedNote(form);
    }
    var box = document.getElementById("presence");
    if (box) presence(box);
  });
})();
