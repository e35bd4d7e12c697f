// Fengqiao console: progressive enhancement only. Pages work without this file.

// Texts the system stores in both languages, "中文 / English", shown in the page's language only
// (as console/bilingual.ts does on the server).
function inLanguage(text) {
  if (!text) return '';
  var cjk = /[\u3400-\u9fff\uff00-\uffef]/;
  for (var i = text.lastIndexOf(' / '); i > 0; i = text.lastIndexOf(' / ', i - 1)) {
    var zh = text.slice(0, i).trim();
    var en = text.slice(i + 3).trim();
    if (cjk.test(zh) && en && !cjk.test(en)) return document.documentElement.lang === 'en' ? en : zh;
  }
  var m = /^([\s\S]*[\u3400-\u9fff。！？）」])\s?\/\s([\s\S]+)$/.exec(text);
  if (m && !cjk.test(m[2])) return document.documentElement.lang === 'en' ? m[2].trim() : m[1].trim();
  return text;
}
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

  // Each cell names its column (data-label): on a phone the rows stack and keep every column (alerts.css).
  var heads = Array.prototype.map.call(board.querySelectorAll('thead th'), function (th) {
    return th.textContent;
  });
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text;
    var label = heads[tr.children.length];
    if (label) td.setAttribute('data-label', label);
    tr.appendChild(td);
    return td;
  }
  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }
  // Beijing time: 2026年12月6日 14:05 (Chinese console), 2026-12-06 14:05 (English).
  function beijing(iso) {
    var d = new Date(Date.parse(iso) + 8 * 3600000);
    if (labels.lang === 'en') return d.toISOString().slice(0, 16).replace('T', ' ');
    return (
      d.getUTCFullYear() +
      '年' +
      (d.getUTCMonth() + 1) +
      '月' +
      d.getUTCDate() +
      '日 ' +
      pad(d.getUTCHours()) +
      ':' +
      pad(d.getUTCMinutes())
    );
  }
  function announce(name, detail) {
    var ev;
    try {
      ev = new CustomEvent(name, { detail: detail });
    } catch {
      return;
    }
    board.dispatchEvent(ev);
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
    if (canAck) {
      // Joins the bulk form ("确认所选") by its id, as the server-rendered rows do.
      var pick = cell(tr, '', 'pick');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'ids';
      box.value = a.id;
      box.id = 'pick-' + a.id;
      box.setAttribute('form', 'bulk-ack');
      var boxLabel = document.createElement('label');
      boxLabel.className = 'sr-only';
      boxLabel.htmlFor = box.id;
      boxLabel.textContent = (labels.selectRow || '').replace('{case}', a.caseNumber || a.disputeId.slice(0, 8));
      pick.appendChild(box);
      pick.appendChild(boxLabel);
    }
    var raised = cell(tr, '', 'nowrap');
    var time = document.createElement('time');
    time.setAttribute('datetime', a.raisedAt);
    time.setAttribute('data-dynamic', '');
    time.textContent = beijing(a.raisedAt);
    raised.appendChild(time);
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
    cell(tr, inLanguage(a.message), 'text');
    var act = cell(tr, canAck ? '' : '—');
    if (canAck) act.appendChild(ackForm(a.id));
    if ((labels.riskKinds || []).indexOf(a.kind) >= 0 && c.querySelector('a')) {
      // Art. 25: the report to the police, with the measures taken, is on the case page.
      var refer = document.createElement('p');
      refer.className = 'small';
      var referLink = document.createElement('a');
      referLink.href = '/console/cases/' + encodeURIComponent(a.disputeId);
      referLink.textContent = labels.referCase || '';
      refer.appendChild(referLink);
      act.appendChild(refer);
    }
    tbody.insertBefore(tr, tbody.firstChild);
    if (empty) empty.hidden = true;
    announce('fq:alert', { alert: a, label: (labels.kinds && labels.kinds[a.kind]) || a.kind });
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
          var box = tr.querySelector('input[name=ids]');
          if (box) box.disabled = true;
          form.parentNode.replaceChild(document.createTextNode('✔ ' + (r.body.ackedBy || '')), form);
          announce('fq:acked', { id: tr.getAttribute('data-alert') });
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
