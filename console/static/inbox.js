/*
 * The inbox's live updates (issue 24): listens to GET /api/v1/disputes/changes (server-sent events,
 * the session cookie) and, when a case the person may see changes, shows the page's own notice
 * "列表有更新，点击刷新" (its words are the server's, in the page) and marks the row if it is listed.
 * Without JavaScript the page is simply static.
 */
(function () {
  'use strict';
  var live = document.getElementById('inbox-live');
  if (!live || !window.EventSource) return;
  var link = live.querySelector('a');
  if (link) link.setAttribute('href', window.location.pathname + window.location.search);
  var source = new EventSource('/api/v1/disputes/changes');
  source.addEventListener('case', function (event) {
    var change;
    try {
      change = JSON.parse(event.data);
    } catch {
      return;
    }
    live.hidden = false;
    var rows = document.querySelectorAll('tr[data-case]');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute('data-case') === String(change.id)) rows[i].classList.add('changed');
    }
  });
  window.addEventListener('pagehide', function () {
    source.close();
  });
})();
