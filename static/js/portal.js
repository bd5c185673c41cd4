/*
 * Kloormokers portal – progressive enhancement only. Every page works without this file.
 * Loaded with `defer` from templates/base.html (no inline scripts: strict CSP).
 */
(function () {
  "use strict";

  // After a failed form submission, move keyboard and screen reader focus to the error
  // summary so the list of errors is read out first (the summary has tabindex="-1").
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
})();
