/* Data Scores: small enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  /* --- search page: apply filters as soon as they change, without a full reload --- */

  function searchPage() {
    var form = document.querySelector("form[data-search-form]");
    if (!form) return;
    var busy = false;

    function urlFor(f) {
      var params = new URLSearchParams();
      new FormData(f).forEach(function (value, key) {
        if (value !== "" && key !== "page") params.append(key, value);
      });
      var qs = params.toString();
      return f.action.split("?")[0] + (qs ? "?" + qs : "");
    }

    function swap(html, focusResults) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("[data-region='search']");
      var current = document.querySelector("[data-region='search']");
      if (!fresh || !current) return false;
      var oldFilters = current.querySelector("details[data-collapse-small]");
      var newFilters = fresh.querySelector("details[data-collapse-small]");
      if (oldFilters && newFilters) {
        newFilters.open = oldFilters.open;
        newFilters.dataset.seen = "1";
      }
      // Keep keyboard focus on the control the user just changed.
      var active = document.activeElement;
      var key = active && active.name ? [active.name, active.value] : null;
      current.replaceWith(fresh);
      document.title = doc.title;
      if (key && !focusResults) {
        var same = Array.prototype.find.call(
          fresh.querySelectorAll("[name]"),
          function (el) { return el.name === key[0] && el.value === key[1]; }
        );
        if (same) same.focus({ preventScroll: true });
      }
      var status = document.getElementById("search-status");
      var total = fresh.querySelector("[data-total]");
      if (status && total) status.textContent = total.textContent.trim();
      if (focusResults) {
        var h = fresh.querySelector("#results-heading");
        if (h) h.focus({ preventScroll: true });
      }
      bind();
      return true;
    }

    function load(url, push, focusResults) {
      if (busy) return;
      busy = true;
      document.body.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok && r.status !== 400) throw new Error(r.status);
          return r.text();
        })
        .then(function (html) {
          if (!swap(html, focusResults)) { window.location.assign(url); return; }
          if (push) history.pushState({ search: true }, "", url);
        })
        .catch(function () { window.location.assign(url); })
        .then(function () { busy = false; document.body.removeAttribute("aria-busy"); });
    }

    function collapseOnSmallScreens() {
      // Without JavaScript the filters stay open; on a phone, results come first.
      if (!window.matchMedia("(max-width: 56rem)").matches) return;
      var d = document.querySelector("details[data-collapse-small]");
      if (d && !d.dataset.seen) { d.open = false; d.dataset.seen = "1"; }
    }

    function bind() {
      collapseOnSmallScreens();
      var f = document.querySelector("form[data-search-form]");
      if (!f || f.dataset.bound) return;
      f.dataset.bound = "1";
      f.addEventListener("change", function (e) {
        var t = e.target;
        if (t.matches("input[type='checkbox'], select")) load(urlFor(f), true, false);
      });
      f.addEventListener("submit", function (e) {
        e.preventDefault();
        load(urlFor(f), true, true);
      });
      // Delegated on the form, which survives swaps of the results region inside it.
      f.addEventListener("click", function (e) {
        var a = e.target.closest("a[data-nav]");
        if (!a || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        load(a.href, true, true);
      });
    }

    window.addEventListener("popstate", function () {
      load(window.location.href, false, false);
    });
    bind();
  }

  /* --- document page: next / previous hit, keyboard n and p ------------------------ */

  function documentPage() {
    var bar = document.querySelector("[data-hitbar]");
    if (!bar) return;
    var total = parseInt(bar.dataset.total || "0", 10);
    var current = parseInt(bar.dataset.current || "0", 10);
    var status = bar.querySelector("[data-hit-status]");
    var prev = bar.querySelector("[data-hit='prev']");
    var next = bar.querySelector("[data-hit='next']");
    if (!total) return;

    function show(n) {
      var mark = document.getElementById("hit-" + n);
      if (!mark) return false; // on another part of the document: follow the link
      var old = document.querySelector("mark.current");
      if (old) old.classList.remove("current");
      mark.classList.add("current");
      mark.scrollIntoView({ block: "center" });
      current = n;
      if (status) status.textContent = "Hit " + n + " of " + total;
      var url = new URL(window.location.href);
      url.searchParams.set("hit", String(n));
      url.hash = "hit-" + n;
      history.replaceState(null, "", url.toString());
      if (prev) prev.href = linkFor(n - 1 < 1 ? total : n - 1);
      if (next) next.href = linkFor(n + 1 > total ? 1 : n + 1);
      return true;
    }

    function linkFor(n) {
      var url = new URL(window.location.href);
      url.searchParams.set("hit", String(n));
      url.searchParams.delete("pages");
      url.hash = "hit-" + n;
      return url.toString();
    }

    function step(delta) {
      var n = current + delta;
      if (n < 1) n = total;
      if (n > total) n = 1;
      if (!show(n)) window.location.assign(linkFor(n));
    }

    [prev, next].forEach(function (a) {
      if (!a) return;
      a.addEventListener("click", function (e) {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        step(a === prev ? -1 : 1);
      });
    });
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (e.key === "n") { e.preventDefault(); step(1); }
      else if (e.key === "p") { e.preventDefault(); step(-1); }
    });
    if (current && document.getElementById("hit-" + current) && !window.location.hash) {
      show(current);
    }
  }

  /* --- insights map: councils as circles over an outline we ship (no tiles) -------- */

  function insightsMap() {
    var el = document.getElementById("map");
    if (!el || !window.L) return;
    var dataEl = document.getElementById("map-data");
    var points = dataEl ? JSON.parse(dataEl.textContent) : [];
    var map = L.map(el, {
      zoomSnap: 0.25,
      minZoom: 4,
      maxZoom: 11,
      attributionControl: true,
      scrollWheelZoom: false
    });
    map.attributionControl.setPrefix("");
    map.attributionControl.addAttribution("Outline: Data Scores (coarse)");
    map.fitBounds([[49.8, -8.3], [60.9, 1.9]]);
    fetch(el.dataset.outline)
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        L.geoJSON(geo, {
          interactive: false,
          style: function (f) {
            var uk = f.properties.kind === "uk";
            return {
              color: uk ? "#7d93a8" : "#aab8c5",
              weight: 1,
              fillColor: uk ? "#ffffff" : "#eef2f5",
              fillOpacity: 1
            };
          }
        }).addTo(map).bringToBack();
      })
      .catch(function () {});
    var max = 1;
    points.forEach(function (p) { if (p.count > max) max = p.count; });
    points.forEach(function (p) {
      var r = 4 + 22 * Math.sqrt(p.count / max);
      var m = L.circleMarker([p.lat, p.lon], {
        radius: r,
        color: "#0f2d4a",
        weight: 1,
        fillColor: "#1d4f7c",
        fillOpacity: 0.55
      }).addTo(map);
      var box = document.createElement("div");
      var strong = document.createElement("strong");
      strong.textContent = p.name;
      var line = document.createElement("div");
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.count + (p.count === 1 ? " document" : " documents");
      line.appendChild(a);
      box.appendChild(strong);
      box.appendChild(line);
      m.bindPopup(box);
      // Leaflet writes a string tooltip as HTML: hand it a text node instead.
      var tip = document.createElement("span");
      tip.textContent = p.name + ": " + p.count;
      m.bindTooltip(tip);
    });
  }

  ready(function () {
    searchPage();
    documentPage();
    insightsMap();
  });
})();
