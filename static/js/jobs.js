// Live progress for job rows (templates/audits/_jobs.html): polls the JSON status
// endpoint while a job is queued or running. Without this script the page still
// shows the state at load time. Only textContent and attributes are written.
(function () {
  "use strict";
  var list = document.querySelector("ul.jobs[data-status-url]");
  if (!list || !window.fetch) return;
  var url = list.getAttribute("data-status-url");
  var delay = 2000;

  function pending() {
    return Array.prototype.slice.call(list.querySelectorAll('li[data-job-id][data-finished="false"]'));
  }

  function update(row, job) {
    row.className = "job job-" + job.status;
    row.querySelector(".job-status").textContent = job.cancelling ? "Cancelling" : job.status_label;
    var bar = row.querySelector("progress");
    var total = job.total || 1;
    bar.max = total;
    bar.value = job.status === "succeeded" ? total : job.done;
    bar.textContent = job.done + " / " + job.total;
    row.querySelector(".job-stage").textContent = job.stage + (job.total ? " (" + job.done + " of " + job.total + ")" : "");
    var error = row.querySelector(".job-error");
    if (job.status === "failed") {
      error.textContent = "This job failed: " + job.error;
      error.hidden = false;
    }
    var cancelled = row.querySelector(".job-cancel-note");
    if (job.status === "cancelled") {
      cancelled.textContent = job.error + ".";
      cancelled.hidden = false;
    }
    var cancel = row.querySelector(".job-cancel");
    if (cancel && job.finished) cancel.hidden = true;
    if (cancel && job.cancelling) cancel.querySelector("button").disabled = true;
    var result = row.querySelector(".job-result");
    if (job.release_url && !result.querySelector("a")) {
      var link = document.createElement("a");
      link.href = job.release_url;
      link.textContent = "Open the release";
      result.appendChild(link);
      result.hidden = false;
    }
    if (job.finished) row.setAttribute("data-finished", "true");
  }

  function poll() {
    var rows = pending();
    if (!rows.length) return;
    var ids = rows.map(function (r) { return r.getAttribute("data-job-id"); }).join(",");
    fetch(url + "?ids=" + encodeURIComponent(ids), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { jobs: [] }; })
      .then(function (data) {
        data.jobs.forEach(function (job) {
          var row = list.querySelector('li[data-job-id="' + job.id + '"]');
          if (row) update(row, job);
        });
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); })
      .then(function () { window.setTimeout(poll, delay); });
  }

  window.setTimeout(poll, delay);
})();
