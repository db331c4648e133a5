/* Comfort on every page, nothing a reader needs: every page reads and works without it.

   - 大字版 (the large-text mode, for older readers): remembered from page to page in this
     browser. Loaded in <head>, before anything is drawn, so that a page never flashes at the
     standard size first. Without this script the toggle still works on its own page: it is a link
     to #large-text (the <html> element), which the stylesheet enlarges while it is the target.
   - The phone menu (a <details> element) closes on a tap outside it and on Escape. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "hotline-large-text";

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false; // storage refused (a private window): the mode lasts for this page only
    }
  }

  function remember(on) {
    try {
      if (on) window.localStorage.setItem(KEY, "1");
      else window.localStorage.removeItem(KEY);
    } catch (e) {
      /* not remembered, still applied */
    }
  }

  function setLarge(on) {
    root.classList.toggle("large-text", on);
    remember(on);
  }

  if (window.location.hash === "#large-text") setLarge(true); // the link followed before the script ran
  else if (remembered()) root.classList.add("large-text");

  function openMenu() {
    return document.querySelector("details.site-menu[open]");
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var toggle = target.closest ? target.closest("a.text-size") : null;
    if (toggle) {
      event.preventDefault();
      var on = toggle.classList.contains("text-size-large");
      setLarge(on);
      if (!on && window.location.hash === "#large-text") window.location.replace("#top"); // ends :target
      var other = document.querySelector(on ? "a.text-size-standard" : "a.text-size-large");
      if (other) other.focus(); // the link clicked is hidden now: keep the keyboard where it was
      return;
    }
    var menu = openMenu();
    if (menu && !menu.contains(target)) menu.open = false;
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = openMenu();
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
