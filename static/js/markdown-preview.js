/*
 * Markdown preview in admin: under each textarea with data-markdown-preview (the endpoint's
 * address) the text is shown as the site will show it, updated as staff type (debounced).
 * The server renders and cleans the HTML (portal.markdown); this script only posts the text
 * with the form's CSRF token and puts the answer into the preview area. No inline script
 * (strict CSP); without JavaScript the preview area stays hidden and the form is unchanged.
 */
(function () {
  "use strict";

  var DELAY = 400; // milliseconds after the last key stroke

  function csrfToken(textarea) {
    var form = textarea.form;
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    var preview = document.getElementById(textarea.id + "_preview");
    var body = preview && preview.querySelector(".portal-markdown-preview__body");
    if (!body || !window.fetch || !window.FormData) {
      return;
    }
    var timer = null;
    var latest = 0;

    function refresh() {
      var request = ++latest;
      if (!textarea.value.trim()) {
        body.textContent = "";
        return;
      }
      var data = new FormData();
      data.append("text", textarea.value);
      fetch(textarea.getAttribute("data-markdown-preview"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea), "X-Requested-With": "fetch" }
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (answer) {
          if (request === latest) {
            // Rendered and sanitised on the server (markdown-it-py + nh3).
            body.innerHTML = answer.html;
          }
        })
        .catch(function () {
          /* The preview is a help only: the form itself is unaffected. */
        });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    });
    preview.hidden = false;
    refresh();
  }

  function start() {
    var areas = document.querySelectorAll("textarea[data-markdown-preview]");
    for (var i = 0; i < areas.length; i++) {
      attach(areas[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
