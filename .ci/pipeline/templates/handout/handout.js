// Charts were drawn for the screen's width; redraw them at the page's width before printing.
(function () {
  var resize = function () {
    if (!window.Plotly) return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) { window.Plotly.Plots.resize(plot); });
  };
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
