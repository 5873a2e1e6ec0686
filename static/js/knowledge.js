/* Knowledge area: drag-and-drop upload with a list of the chosen files, and filter bars that
   apply as soon as a select changes. The pages work without it (plain forms). */
(function () {
  "use strict";

  var MAX_FILES = 20;

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function renderFiles(input, list) {
    list.innerHTML = "";
    var files = Array.prototype.slice.call(input.files || []);
    list.hidden = files.length === 0;
    files.forEach(function (file) {
      var item = document.createElement("li");
      item.className = "dropzone__file";
      var name = document.createElement("span");
      name.className = "dropzone__file-name";
      name.textContent = file.name; // never innerHTML: file names are user input
      var size = document.createElement("span");
      size.className = "subtle small";
      size.textContent = formatSize(file.size);
      item.appendChild(name);
      item.appendChild(size);
      list.appendChild(item);
    });
    if (files.length > MAX_FILES) {
      var warning = document.createElement("li");
      warning.className = "dropzone__file dropzone__file--warn";
      warning.textContent = "At most " + MAX_FILES + " files at once: remove " + (files.length - MAX_FILES) + ".";
      list.appendChild(warning);
    }
  }

  function armDropzone(form) {
    var zone = form.querySelector("[data-dropzone]");
    var input = zone && zone.querySelector("input[type=file]");
    var list = form.querySelector("[data-file-list]");
    if (!zone || !input || !list || zone.dataset.armed) return;
    zone.dataset.armed = "1";

    input.addEventListener("change", function () { renderFiles(input, list); });

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        if (name === "dragleave" && zone.contains(event.relatedTarget)) return;
        zone.classList.remove("is-dragging");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length) return;
      try {
        input.files = dropped;
      } catch (error) {
        if (window.Parley) window.Parley.toast("This browser cannot take dropped files; choose them instead.", "warning");
        return;
      }
      renderFiles(input, list);
    });

    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-upload-submit]");
      if (button && input.files && input.files.length) {
        button.setAttribute("aria-disabled", "true");
        button.insertAdjacentHTML("beforeend", ' <span class="spinner" aria-hidden="true"></span>');
      }
    });
  }

  function armAutosubmit(form) {
    if (form.dataset.armed) return;
    form.dataset.armed = "1";
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  }

  function boot(root) {
    (root || document).querySelectorAll("form[data-upload-form]").forEach(armDropzone);
    (root || document).querySelectorAll("form[data-autosubmit]").forEach(armAutosubmit);
  }

  document.addEventListener("DOMContentLoaded", function () { boot(document); });
  document.addEventListener("htmx:load", function (event) { boot(event.target); });
})();
