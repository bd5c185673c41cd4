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

/*
 * Copy buttons (e.g. the key on the two-factor set-up page): a button with data-copy-value is
 * hidden in the markup and shown only where the browser can copy; after copying, the text of
 * data-copied-text is put into the status element that follows the button (read out by screen
 * readers). Without JavaScript the value stays selectable in its readonly field.
 */
(function () {
  "use strict";

  function enableCopyButtons() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    var buttons = document.querySelectorAll("button[data-copy-value]");
    Array.prototype.forEach.call(buttons, function (button) {
      var status = button.nextElementSibling;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy-value")).then(function () {
          if (status && status.getAttribute("role") === "status") {
            status.textContent = button.getAttribute("data-copied-text") || "";
          }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enableCopyButtons);
  } else {
    enableCopyButtons();
  }
})();

/*
 * Printing (static/css/print.css): closed disclosures (the FAQ's answers) open for the print
 * and close again afterwards, so the paper holds the answers too.
 */
(function () {
  "use strict";

  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) {
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) {
      d.open = false;
    });
    opened = [];
  });
})();
