// Fengqiao console: progressive enhancement only. Pages work without this file.
(function () {
  'use strict';
  var words = {};
  try {
    words = JSON.parse(document.body.getAttribute('data-words') || '{}');
  } catch {
    words = {};
  }

  function span(ms) {
    var mins = Math.max(0, Math.round(ms / 60000));
    var d = Math.floor(mins / 1440),
      h = Math.floor((mins % 1440) / 60),
      m = mins % 60;
    if (d > 0) return d + words.d + h + words.h;
    if (h > 0) return h + words.h + m + words.m;
    return m + words.m;
  }

  // SLA countdowns: green, amber from the warning time, red once due.
  function tick() {
    var now = Date.now();
    document.querySelectorAll('.sla[data-due]').forEach(function (el) {
      if (el.classList.contains('sla-paused')) return;
      var due = Date.parse(el.getAttribute('data-due'));
      var warn = Date.parse(el.getAttribute('data-warn'));
      if (isNaN(due)) return;
      var state = el.classList.contains('sla-breach') || due <= now ? 'breach' : warn <= now ? 'warn' : 'ok';
      el.classList.remove('sla-ok', 'sla-warn', 'sla-breach');
      el.classList.add('sla-' + state);
      var w = el.querySelector('.word'),
        c = el.querySelector('.count');
      if (w) w.textContent = words[state] || '';
      if (c)
        c.textContent = state === 'breach' ? words.over + ' ' + span(now - due) : words.left + ' ' + span(due - now);
    });
  }
  tick();
  setInterval(tick, 30000);

  // The live alert board.
  var board = document.getElementById('alert-board');
  if (!board || !window.EventSource) return;
  var labels = {};
  try {
    labels = JSON.parse(board.getAttribute('data-labels') || '{}');
  } catch {
    labels = {};
  }
  var canAck = board.getAttribute('data-can-ack') === '1';
  var csrfMeta = document.querySelector('meta[name=csrf]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var tbody = board.querySelector('tbody');
  var status = document.getElementById('live-status');
  var empty = document.getElementById('no-alerts');

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function beijing(iso) {
    var d = new Date(Date.parse(iso) + 8 * 3600000);
    return d.toISOString().slice(0, 16).replace('T', ' ');
  }

  function ackForm(id) {
    var f = document.createElement('form');
    f.method = 'post';
    f.action = '/console/alerts/' + id + '/ack';
    f.className = 'ack';
    var h = document.createElement('input');
    h.type = 'hidden';
    h.name = '_csrf';
    h.value = csrf;
    f.appendChild(h);
    var l = document.createElement('label');
    l.className = 'sr-only';
    l.htmlFor = 'note-' + id;
    l.textContent = labels.ackNote || '';
    f.appendChild(l);
    var n = document.createElement('input');
    n.id = 'note-' + id;
    n.name = 'note';
    n.placeholder = labels.ackNote || '';
    n.maxLength = 500;
    f.appendChild(n);
    var b = document.createElement('button');
    b.type = 'submit';
    b.textContent = labels.ack || 'OK';
    f.appendChild(b);
    return f;
  }

  function addAlert(a) {
    if (tbody.querySelector('tr[data-alert="' + a.id + '"]')) return;
    var tr = document.createElement('tr');
    tr.setAttribute('data-alert', a.id);
    tr.className = 'fresh alert-' + a.kind;
    cell(tr, beijing(a.raisedAt), 'nowrap');
    var k = cell(tr, '', 'nowrap');
    var strong = document.createElement('strong');
    strong.textContent = (labels.kinds && labels.kinds[a.kind]) || a.kind;
    k.appendChild(strong);
    var c = cell(tr, '');
    var cal = labels.calendars || {};
    if (a.kind === cal.kind || (cal.prefix && String(a.disputeId).indexOf(cal.prefix) === 0)) {
      // A missing holiday arrangement is about the calendar, not a case.
      if (cal.href) {
        var calLink = document.createElement('a');
        calLink.href = cal.href;
        calLink.textContent = cal.label || '';
        c.appendChild(calLink);
      } else c.textContent = (cal.label || '') + (cal.hint ? '（' + cal.hint + '）' : '');
    } else {
      var link = document.createElement('a');
      link.href = '/console/cases/' + encodeURIComponent(a.disputeId);
      link.textContent = a.caseNumber || a.disputeId.slice(0, 8);
      c.appendChild(link);
    }
    cell(tr, a.message, 'wide');
    var act = cell(tr, canAck ? '' : '—');
    if (canAck) act.appendChild(ackForm(a.id));
    tbody.insertBefore(tr, tbody.firstChild);
    if (empty) empty.hidden = true;
  }

  // Acknowledge without leaving the page; without script the form posts and the page reloads.
  board.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains('ack') || !window.fetch) return;
    ev.preventDefault();
    var button = form.querySelector('button');
    if (button) button.disabled = true;
    fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: 'same-origin',
    })
      .then(function (res) {
        return res.json().then(function (body) {
          return { ok: res.ok, body: body };
        });
      })
      .then(function (r) {
        var tr = form.closest('tr');
        if (r.ok) {
          tr.classList.add('acked');
          form.parentNode.textContent = '✔ ' + (r.body.ackedBy || '');
        } else {
          if (button) button.disabled = false;
          var p = document.createElement('p');
          p.className = 'field-error';
          p.setAttribute('role', 'alert');
          p.textContent = r.body.detail || r.body.title || 'error';
          form.appendChild(p);
        }
      })
      .catch(function () {
        form.submit();
      });
  });

  var since = board.getAttribute('data-since') || '0';
  var source = new EventSource('/api/v1/alerts/stream' + (since !== '0' ? '?since=' + encodeURIComponent(since) : ''));
  source.addEventListener('open', function () {
    if (status) {
      status.textContent = '● ' + (labels.live || '');
      status.className = 'live on';
    }
  });
  source.addEventListener('error', function () {
    if (status) {
      status.textContent = '○ ' + (labels.offline || '');
      status.className = 'live muted';
    }
  });
  source.addEventListener('alert', function (ev) {
    try {
      addAlert(JSON.parse(ev.data));
    } catch {
      /* a malformed event is ignored */
    }
  });
})();
