/* Reports: choosing a preset clears the custom dates and applies it at once. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var radio = event.target.closest("input[type=radio][data-autosubmit]");
    if (!radio) return;
    var form = radio.form;
    form.querySelectorAll("input[type=date]").forEach(function (input) { input.value = ""; });
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
