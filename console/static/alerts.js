// Fengqiao console, alerts page: reminders that reach the supervisor (issue 24). Opt-in, off by default,
// the choice kept in this browser (localStorage). The page works without this file; its controls stay
// hidden then. console.js runs the live board and announces each new row (`fq:alert`) and each
// acknowledgement made on the page (`fq:acked`) on the board.
//  - 开启提醒声音: a short two-tone beep (WebAudio, no sound file) when a new alert arrives;
//  - 开启桌面通知: a desktop notification per new alert (the browser asks for permission only when
//    the button is pressed);
//  - the tab title starts with the number of unacknowledged alerts, "(3) 预警 · …", kept up to date.
(function () {
  'use strict';
  var board = document.getElementById('alert-board');
  var panel = document.getElementById('alert-remind');
  if (!board || !panel) return;
  var labels = {};
  try {
    labels = JSON.parse(board.getAttribute('data-labels') || '{}');
  } catch {
    labels = {};
  }
  var soundButton = document.getElementById('remind-sound');
  var notifyButton = document.getElementById('remind-notify');
  var status = document.getElementById('remind-status');
  var countEl = document.getElementById('unacked-count');
  var KEY_SOUND = 'fengqiao.alerts.sound';
  var KEY_NOTIFY = 'fengqiao.alerts.notify';

  function stored(key) {
    try {
      return window.localStorage.getItem(key) === 'on';
    } catch {
      return false;
    }
  }
  function store(key, on) {
    try {
      if (on) window.localStorage.setItem(key, 'on');
      else window.localStorage.removeItem(key);
    } catch {
      /* private mode: the choice lasts as long as the page */
    }
  }
  function say(text) {
    if (status) status.textContent = text || '';
  }

  // The tab title: "(n) 预警 · <the page's own title>" while n > 0.
  var baseTitle = document.title;
  var unacked = parseInt(board.getAttribute('data-unacked') || '0', 10) || 0;
  function showCount() {
    var prefix = (labels.titleCount || '({n})').replace('{n}', String(unacked));
    document.title = unacked > 0 ? prefix + ' · ' + baseTitle : baseTitle;
    if (countEl) {
      countEl.textContent = (labels.unackedCount || '{n}').replace('{n}', String(unacked));
      countEl.setAttribute('data-n', String(unacked));
    }
  }

  // Sound: created on the button press (a user gesture lets the browser play it), resumed on later gestures.
  var audio = null;
  var soundOn = stored(KEY_SOUND);
  function audioContext() {
    var Ctor = window.AudioContext || window.webkitAudioContext;
    if (!Ctor) return null;
    if (!audio) audio = new Ctor();
    if (audio.state === 'suspended' && audio.resume) audio.resume();
    return audio;
  }
  function beep() {
    var ctx = audioContext();
    if (!ctx) return;
    var t0 = ctx.currentTime;
    [880, 660].forEach(function (freq, i) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      var start = t0 + i * 0.18;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.16);
    });
  }
  function wakeAudio() {
    if (soundOn) audioContext();
  }
  document.addEventListener('pointerdown', wakeAudio, { once: true });
  document.addEventListener('keydown', wakeAudio, { once: true });

  // Desktop notifications: permission asked only when the button is pressed.
  var canNotify = 'Notification' in window;
  var notifyOn = canNotify && stored(KEY_NOTIFY) && window.Notification.permission === 'granted';
  function notify(a, kindLabel) {
    if (!notifyOn || !canNotify || window.Notification.permission !== 'granted') return;
    var title = (labels.notify && labels.notify.title) || '';
    try {
      var n = new window.Notification(title + '：' + kindLabel + ' ' + (a.caseNumber || ''), {
        body: String(a.message || '').slice(0, 160),
        tag: 'fengqiao-alert-' + a.id,
      });
      n.onclick = function () {
        window.focus();
        var row = board.querySelector('tr[data-alert="' + a.id + '"]');
        if (row && row.scrollIntoView) row.scrollIntoView({ block: 'center' });
        n.close();
      };
    } catch {
      /* some browsers allow notifications only from a service worker */
    }
  }

  function render() {
    soundButton.setAttribute('aria-pressed', soundOn ? 'true' : 'false');
    notifyButton.setAttribute('aria-pressed', notifyOn ? 'true' : 'false');
  }

  soundButton.addEventListener('click', function () {
    soundOn = !soundOn;
    store(KEY_SOUND, soundOn);
    render();
    say(soundOn ? labels.sound && labels.sound.on : labels.sound && labels.sound.off);
    if (soundOn) beep(); // the person hears what it will sound like
  });

  notifyButton.addEventListener('click', function () {
    var words = labels.notify || {};
    if (!canNotify) {
      say(words.unsupported);
      return;
    }
    if (notifyOn) {
      notifyOn = false;
      store(KEY_NOTIFY, false);
      render();
      say(words.off);
      return;
    }
    var decided = function (permission) {
      notifyOn = permission === 'granted';
      store(KEY_NOTIFY, notifyOn);
      render();
      say(notifyOn ? words.on : permission === 'denied' ? words.denied : words.off);
    };
    if (window.Notification.permission === 'granted' || window.Notification.permission === 'denied') {
      decided(window.Notification.permission);
      return;
    }
    var asked = window.Notification.requestPermission(decided);
    if (asked && asked.then) asked.then(decided);
  });

  board.addEventListener('fq:alert', function (ev) {
    var d = ev.detail || {};
    unacked += 1;
    showCount();
    if (soundOn) beep();
    if (d.alert) notify(d.alert, d.label || '');
  });
  board.addEventListener('fq:acked', function () {
    unacked = Math.max(0, unacked - 1);
    showCount();
  });

  if (!canNotify) notifyButton.setAttribute('aria-disabled', 'true');
  panel.hidden = false;
  render();
  showCount();
})();
