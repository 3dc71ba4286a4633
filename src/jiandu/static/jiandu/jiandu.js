// Small behaviours of the pages; no inline script anywhere (the CSP forbids it).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // HTMX requests carry the CSRF token.
    document.body.addEventListener("htmx:configRequest", function (event) {
      event.detail.headers["X-CSRFToken"] = document.body.dataset.csrfToken;
    });
    // Forms and buttons with data-confirm ask first.
    document.body.addEventListener("submit", function (event) {
      var message = event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) { event.preventDefault(); }
    });
    // Scope fields of the role-assignment form follow the chosen scope.
    var scope = document.getElementById("id_scope_kind");
    if (scope) {
      var toggle = function () {
        document.querySelectorAll("[data-scope='org_unit']").forEach(function (el) {
          el.hidden = scope.value !== "org_unit";
        });
      };
      scope.addEventListener("change", toggle);
      toggle();
    }
    // Tree: expand or collapse everything.
    document.querySelectorAll("[data-tree-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("data-tree-toggle") === "open";
        document.querySelectorAll(".jd-tree details").forEach(function (d) { d.open = open; });
      });
    });
  });
})();
