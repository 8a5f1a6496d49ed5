// The page at "/": an MLflow UI link (#/experiments/<id>/runs/<run_id>, #/experiments/<id>,
// #/models/<name>/versions/<n>) goes to /mlflow/..., where Keel redirects to its own page for that object.
// Anything else opens the dashboard.
(function () {
  "use strict";

  function target(hash) {
    var path = hash.replace(/^#\/?/, "").split("?")[0];
    var m = /^experiments\/(\d+)\/runs\/([0-9A-Za-z_-]+)/.exec(path);
    if (m) return "/mlflow/experiments/" + m[1] + "/runs/" + m[2];
    m = /^experiments\/(\d+)/.exec(path);
    if (m) return "/mlflow/experiments/" + m[1];
    m = /^models\/([^/]+)(?:\/versions\/(\d+))?/.exec(path);
    if (m) {
      var name;
      try {
        name = decodeURIComponent(m[1]);
      } catch (e) {
        return "/dashboard/";
      }
      return "/mlflow/models/" + encodeURIComponent(name) + (m[2] ? "/versions/" + m[2] : "");
    }
    return "/dashboard/";
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { target: target };
  } else {
    window.location.replace(target(window.location.hash));
  }
})();
