// Charts are drawn for the window's width. Printing gives no chance to redraw them (headless Chromium
// prints without a beforeprint redraw), so the pipeline opens a handout as handout.html?print: the page
// then takes the printed page's layout on screen too, and every chart is redrawn at that width before
// the PDF is made. A reader's own print still redraws on beforeprint.
(function () {
  var resize = function () {
    if (!window.Plotly) return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) { window.Plotly.Plots.resize(plot); });
  };
  if (/[?&]print\b/.test(window.location.search)) {
    document.body.classList.add("print-layout");
    resize();
  }
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
