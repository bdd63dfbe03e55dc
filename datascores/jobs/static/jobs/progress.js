// Keeps every job progress bar on an admin page up to date while its job runs.
// Each bar is a .job-progress element whose data-job-progress-url answers JSON
// (datascores.jobs.views.job_progress); polling stops once the job has ended.
(function () {
  "use strict";
  var POLL_MS = 1000;

  function setText(root, selector, value) {
    var el = root.querySelector(selector);
    if (el) { el.textContent = value; }
  }

  function render(root, data) {
    var bar = root.querySelector("progress");
    if (bar) {
      bar.max = Math.max(data.total, 1);
      if (data.total > 0 || data.done > 0) { bar.value = data.done; }
      if (data.status === "finished") { bar.value = bar.max; }
      bar.textContent = (data.percent || 0) + "%";
    }
    setText(root, ".job-status", data.status_label);
    setText(root, ".job-done", String(data.done));
    setText(root, ".job-total", String(data.total));
    setText(root, ".job-message", data.message || "");
    var counts = root.querySelector(".job-counts");
    if (counts) {
      counts.textContent = "";
      Object.keys(data.counts).sort().forEach(function (name) {
        if (name.indexOf(":") !== -1) { return; }
        var span = document.createElement("span");
        span.className = "job-count";
        span.setAttribute("data-count", name);
        span.appendChild(document.createTextNode(name + ": "));
        var b = document.createElement("b");
        b.textContent = String(data.counts[name]);
        span.appendChild(b);
        counts.appendChild(span);
        counts.appendChild(document.createTextNode(" "));
      });
    }
    root.setAttribute("data-active", data.active ? "1" : "0");
    root.setAttribute("data-status", data.status);
  }

  function poll(root) {
    var url = root.getAttribute("data-job-progress-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        render(root, data);
        if (data.active) { window.setTimeout(function () { poll(root); }, POLL_MS); }
      })
      .catch(function () {
        window.setTimeout(function () { poll(root); }, POLL_MS * 5);
      });
  }

  function start() {
    var bars = document.querySelectorAll(".job-progress[data-job-progress-url]");
    Array.prototype.forEach.call(bars, function (root) {
      if (root.getAttribute("data-active") === "1") { poll(root); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
