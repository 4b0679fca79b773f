// Keys for the review queue (templates/reviews/queue.html): j/k move between rows, x selects the current
// row, a/r/w choose accept/reject/waive: for the selected rows in the bulk form below the table, or,
// with nothing selected, on the current row's own decision page. Without this script every control
// still works with a mouse or the tab key.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#review-table tr.review-row"));
  if (!rows.length) return;
  var form = document.getElementById("bulk-form");
  var current = -1;
  var STATES = { a: "accepted", r: "rejected", w: "waived" };

  function move(to) {
    if (current >= 0) rows[current].classList.remove("current");
    current = Math.max(0, Math.min(rows.length - 1, to));
    var row = rows[current];
    row.classList.add("current");
    row.querySelector("input[type=checkbox]").focus();
  }

  function selected() {
    return form.querySelectorAll("input[name=review]:checked").length;
  }

  function decide(state) {
    var radio = form.querySelector('input[name=state][value="' + state + '"]');
    if (selected() && radio) {
      radio.checked = true;
      var field = form.querySelector(state === "waived" ? "input[name=waived_until]" : "textarea[name=justification]");
      field.focus();
    } else if (current >= 0) {
      window.location.assign(rows[current].getAttribute("data-review-url") + "?decide=" + state + "#decide-h");
    }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
        (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "radio")) return;
    if (event.key === "j") { move(current + 1); }
    else if (event.key === "k") { move(current - 1); }
    else if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[type=checkbox]");
      box.checked = !box.checked;
    } else if (STATES[event.key]) { decide(STATES[event.key]); }
    else { return; }
    event.preventDefault();
  });
})();
