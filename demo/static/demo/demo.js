/* The landing page's "Reset the demo…" asks in a native modal dialog: focus goes to Cancel, Escape or Cancel
 * closes it and focus returns to the button. Where <dialog> is missing (or without JavaScript) the button's
 * form opens the confirmation page instead. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-demo-confirm]").forEach(function (opener) {
    var dialog = document.getElementById(opener.getAttribute("data-demo-confirm"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    opener.addEventListener("submit", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  });
})();
