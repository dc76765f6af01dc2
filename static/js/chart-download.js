// Downloads of the results pages' charts and tables as SVG and PNG.
//
// The server draws every chart (and each question's table) as a self-contained SVG, with
// its title, base, filters and source inside (results/charts.py). "Download SVG" saves
// that markup; "Download PNG" draws it on a canvas at twice its size and saves the pixels.
// No library and no server round trip: the SVG becomes a data: image (the
// Content-Security-Policy allows data: images), which leaves the canvas readable.
//
// The buttons (results/_downloads.html) are hidden by the style sheet until this script
// runs: without it they would do nothing. One listener on the document serves them all,
// also after htmx swaps the numbers.
(function () {
  "use strict";

  var SCALE = 2;
  var SVG_NS = "http://www.w3.org/2000/svg";

  function source(id) {
    var element = document.getElementById(id);
    if (element && element.tagName.toLowerCase() === "template") {
      element = element.content.querySelector("svg");
    }
    return element && element.namespaceURI === SVG_NS ? element : null;
  }

  // The SVG's size from its viewBox ("0 0 360 240"), written out as width and height so
  // that the file opens at that size and the image drawn on the canvas has one.
  function size(svg) {
    var box = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
    return box.length === 4 && box[2] > 0 && box[3] > 0 ? { width: box[2], height: box[3] } : { width: 360, height: 240 };
  }

  function markup(svg) {
    var copy = svg.cloneNode(true);
    var dimensions = size(svg);
    copy.setAttribute("xmlns", SVG_NS);
    copy.setAttribute("width", dimensions.width);
    copy.setAttribute("height", dimensions.height);
    copy.removeAttribute("class");
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }

  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  function savePng(svg, filename, button) {
    var dimensions = size(svg);
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.ceil(dimensions.width * SCALE);
      canvas.height = Math.ceil(dimensions.height * SCALE);
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        button.disabled = false;
        if (blob) save(blob, filename);
      }, "image/png");
    };
    image.onerror = function () { button.disabled = false; };
    button.disabled = true;
    image.src = "data:image/svg+xml;base64," + base64(markup(svg));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-download]");
    if (!button) return;
    var svg = source(button.dataset.target);
    if (!svg) return;
    var name = button.dataset.filename || "chart";
    if (button.dataset.download === "png") {
      savePng(svg, name + ".png", button);
    } else {
      save(new Blob([markup(svg)], { type: "image/svg+xml" }), name + ".svg");
    }
  });

  // A class on the root, not on each control: controls that htmx swaps in later are shown
  // at once, so a live refresh changes the page's height (and scroll) by nothing.
  document.documentElement.classList.add("figure-downloads-ready");
})();
