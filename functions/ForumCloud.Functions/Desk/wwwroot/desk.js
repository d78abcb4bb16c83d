// ForumCloud staff desk: a check-in desk with a camera, and the review queues. Plain script, no framework:
// every view is a function that fetches from the existing staff routes and renders with DOM calls (never
// innerHTML with data). The function key lives in sessionStorage and goes in the x-functions-key header.
(function () {
  'use strict';

  var KEY = 'forumcloud.functionKey';
  var LANGUAGE = 'forumcloud.deskLanguage';
  var PENDING = 'forumcloud.pendingScans';

  var text = {
    en: {
      brand: 'ForumCloud staff desk', navEvents: 'Events', navFilings: 'Filings', navApplicants: 'Applicants',
      navCooperations: 'Cooperations', navNotices: 'Failed mail', signOut: 'Sign out', signInTitle: 'Sign in',
      signInHelp: 'Enter your function key. It stays in this browser tab only (session storage) and is sent in a header with each call.',
      functionKey: 'Function key', signIn: 'Sign in', entraSignIn: 'Sign in with Microsoft Entra ID',
      keyRefused: 'That key was refused (401). Check it and try again.', needsRole: 'Signed in, but without the staff role (403). Sign in with Entra ID as a staff member.',
      checkedInOfConfirmed: 'checked in of confirmed', cameraStarting: 'Starting the camera…', cameraOn: 'Camera on: hold the QR code in view',
      cameraOff: 'No camera: type the registration code below', ready: 'Ready to scan', typedCode: 'Registration code', checkIn: 'Check in',
      checkedInNow: 'Checked in', alreadyAt: 'Already checked in at', cancelled: 'Cancelled', unknown: 'Unknown code', otherEvent: 'Another event',
      notConfirmed: 'Not confirmed', queued: 'Network down: scan queued, retrying', pendingScans: 'scan(s) waiting for the network',
      events: 'Events', title: 'Title', starts: 'Starts (Beijing)', seats: 'Seats taken', waitlist: 'Waitlist', open: 'Registration',
      csv: 'CSV', checkInDesk: 'Check-in desk', yes: 'open', no: 'closed',
      filings: 'Filings awaiting a decision', due: 'Decide by', daysLeft: 'working days left', direction: 'Direction', contract: 'Contract',
      technology: 'Technology', screening: 'Screening', approve: 'Approve', reject: 'Reject', note: 'Note (required to reject)',
      certificate: 'Certificate', registeredFilings: 'Registered filings', void: 'Void', voidNote: 'Reason (required)',
      applicants: 'Applicants awaiting verification', enterprise: 'Enterprise', uscc: 'USCC', contact: 'Contact',
      cooperations: 'Cooperation records', status: 'Status', partner: 'Partner', move: 'Move to',
      notices: 'Failed mail', recipient: 'Recipient', subject: 'Subject', attempts: 'Attempts', error: 'Error',
      nothing: 'Nothing here.', loadMore: 'More', failed: 'Could not load', done: 'Done'
    },
    zh: {
      brand: 'ForumCloud 工作台', navEvents: '活动', navFilings: '合同登记', navApplicants: '申请人', navCooperations: '合作记录',
      navNotices: '发送失败的邮件', signOut: '退出', signInTitle: '登录', signInHelp: '请输入函数密钥。密钥只保存在本标签页（会话存储）中，每次调用时放在请求头里发送。',
      functionKey: '函数密钥', signIn: '登录', entraSignIn: '使用 Microsoft Entra ID 登录',
      keyRefused: '密钥被拒绝（401），请检查后重试。', needsRole: '已登录，但没有工作人员角色（403）。请以工作人员身份使用 Entra ID 登录。',
      checkedInOfConfirmed: '已签到 / 已确认', cameraStarting: '正在打开摄像头…', cameraOn: '摄像头已开启：请将二维码置于画面中',
      cameraOff: '没有摄像头：请在下方输入报名编号', ready: '准备扫码', typedCode: '报名编号', checkIn: '签到',
      checkedInNow: '签到成功', alreadyAt: '已于此时签到', cancelled: '已取消', unknown: '无效编号', otherEvent: '其他活动',
      notConfirmed: '未确认', queued: '网络中断：已排队，稍后重试', pendingScans: '条扫码等待网络',
      events: '活动', title: '名称', starts: '开始时间（北京）', seats: '已占座位', waitlist: '候补', open: '报名',
      csv: 'CSV', checkInDesk: '签到台', yes: '开放', no: '关闭',
      filings: '待决定的合同登记', due: '决定期限', daysLeft: '个工作日', direction: '方向', contract: '合同',
      technology: '技术', screening: '筛查', approve: '批准', reject: '驳回', note: '备注（驳回时必填）',
      certificate: '证书', registeredFilings: '已登记的合同', void: '作废', voidNote: '原因（必填）',
      applicants: '待核验的申请人', enterprise: '企业', uscc: '统一社会信用代码', contact: '联系人',
      cooperations: '合作记录', status: '状态', partner: '合作伙伴', move: '变更为',
      notices: '发送失败的邮件', recipient: '收件人', subject: '主题', attempts: '尝试次数', error: '错误',
      nothing: '暂无内容。', loadMore: '更多', failed: '无法加载', done: '完成'
    }
  };

  var language = localStorage.getItem(LANGUAGE) || ((navigator.language || '').toLowerCase().indexOf('zh') === 0 ? 'zh' : 'en');
  var stopView = function () {};

  function t(name) { return (text[language] && text[language][name]) || text.en[name] || name; }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name === 'on') Object.keys(value).forEach(function (e) { node.addEventListener(e, value[e]); });
      else node.setAttribute(name, value === true ? '' : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }

  function translatePage() {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach(function (node) { node.textContent = t(node.getAttribute('data-i18n')); });
    document.getElementById('language').textContent = language === 'zh' ? 'EN' : '中文';
  }

  // ---- calls to the staff routes -------------------------------------------------------------------------

  function ApiError(status, problem) { this.status = status; this.problem = problem || {}; }

  function api(method, path, body, accept) {
    var headers = { 'x-functions-key': sessionStorage.getItem(KEY) || '', 'Accept': accept || 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (accept === 'text/csv' && response.ok) return response.blob();
        return response.text().then(function (raw) {
          var parsed = null;
          try { parsed = raw ? JSON.parse(raw) : null; } catch (e) { parsed = { title: raw }; }
          if (response.status === 401 || (response.status === 403 && !path.startsWith('/api/staff/check-ins'))) {
            signInAgain(response.status);
          }
          if (!response.ok) throw new ApiError(response.status, parsed);
          return parsed;
        });
      });
  }

  function problemText(error) {
    if (!(error instanceof ApiError)) return t('failed') + ': ' + (error && error.message ? error.message : error);
    var p = error.problem || {};
    var fields = p.errors ? Object.keys(p.errors).map(function (k) { return k + ': ' + p.errors[k].join(' '); }).join('; ') : '';
    return [error.status, p.title, p.detail, fields].filter(Boolean).join(' — ');
  }

  // ---- sign-in and routing -------------------------------------------------------------------------------

  function signInAgain(status) {
    sessionStorage.removeItem(KEY);
    showSignIn(status === 403 ? t('needsRole') : t('keyRefused'), status === 403);
  }

  function showSignIn(message, offerEntra) {
    stopView();
    document.getElementById('view').hidden = true;
    document.getElementById('nav').hidden = true;
    document.getElementById('sign-out').hidden = true;
    document.getElementById('sign-in').hidden = false;
    var error = document.getElementById('sign-in-error');
    error.textContent = message || '';
    error.hidden = !message;
    document.getElementById('entra').hidden = !offerEntra;
    document.getElementById('entra-link').href = '/.auth/login/aad?post_login_redirect_uri=' + encodeURIComponent('/api/desk' + location.hash);
    document.getElementById('functionKey').focus();
  }

  function route() {
    stopView();
    stopView = function () {};
    if (!sessionStorage.getItem(KEY)) { showSignIn(); return; }
    document.getElementById('sign-in').hidden = true;
    document.getElementById('nav').hidden = false;
    document.getElementById('sign-out').hidden = false;
    var view = document.getElementById('view');
    view.hidden = false;
    view.replaceChildren();
    var parts = (location.hash || '#/').slice(2).split('/').map(decodeURIComponent);
    document.querySelectorAll('#nav a').forEach(function (a) { a.toggleAttribute('aria-current', a.getAttribute('href') === '#/' + parts[0]); });
    if (parts[0] === 'check-in' && parts[1]) checkInView(view, parts[1]);
    else if (parts[0] === 'filings') filingsView(view);
    else if (parts[0] === 'applicants') applicantsView(view);
    else if (parts[0] === 'cooperations') cooperationsView(view, parts[1]);
    else if (parts[0] === 'notices') noticesView(view);
    else eventsView(view);
  }

  // ---- lists ---------------------------------------------------------------------------------------------

  // A table filled page by page from a paged staff route ({ items, continuation }).
  function pagedTable(container, path, columns, emptyText) {
    var body = el('tbody');
    var table = el('div', { 'class': 'table-wrap' }, [el('table', {}, [el('thead', {}, [el('tr', {}, columns.map(function (c) { return el('th', { text: c.title }); }))]), body])]);
    var more = el('button', { type: 'button', 'class': 'secondary', text: t('loadMore'), hidden: true });
    var status = el('p', { 'class': 'muted' });
    container.append(table, more, status);
    var continuation = null;
    function load() {
      var url = path + (path.indexOf('?') < 0 ? '?' : '&') + 'pageSize=50' + (continuation ? '&continuation=' + encodeURIComponent(continuation) : '');
      return api('GET', url).then(function (page) {
        page.items.forEach(function (item) { body.appendChild(el('tr', {}, columns.map(function (c) { return el('td', {}, [c.cell(item)]); }))); });
        continuation = page.continuation;
        more.hidden = !continuation;
        status.textContent = body.children.length ? '' : emptyText || t('nothing');
      }).catch(function (error) { status.textContent = problemText(error); status.className = 'error'; });
    }
    more.addEventListener('click', load);
    return load();
  }

  function beijing(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    return d.toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  function eventsView(view) {
    view.append(el('h1', { text: t('events') }));
    var body = el('tbody');
    var status = el('p', { 'class': 'muted' });
    view.append(el('div', { 'class': 'table-wrap' }, [el('table', {}, [el('thead', {}, [el('tr', {}, [t('title'), t('starts'), t('seats'), t('waitlist'), t('open'), ''].map(function (h) { return el('th', { text: h }); }))]), body])]), status);
    api('GET', '/api/events').then(function (page) {
      var events = page.items || page;
      events.forEach(function (e) {
        body.appendChild(el('tr', { 'data-event': e.eventId }, [
          el('td', {}, [el('a', { href: '#/check-in/' + encodeURIComponent(e.eventId), text: e.title })]),
          el('td', { text: beijing(e.startsAt) }),
          el('td', { text: (e.capacity - e.seatsLeft) + ' / ' + e.capacity }),
          el('td', { text: String(e.waitlistLength) }),
          el('td', { text: e.registrationOpen ? t('yes') : t('no') }),
          el('td', {}, [el('div', { 'class': 'actions' }, [
            el('a', { href: '#/check-in/' + encodeURIComponent(e.eventId), text: t('checkInDesk') }),
            el('button', { type: 'button', 'class': 'secondary', text: t('csv'), on: { click: function () { downloadCsv(e.eventId); } } })
          ])])
        ]));
      });
      status.textContent = events.length ? '' : t('nothing');
    }).catch(function (error) { status.textContent = problemText(error); status.className = 'error'; });
  }

  function downloadCsv(eventId) {
    api('GET', '/api/staff/events/' + encodeURIComponent(eventId) + '/registrations', undefined, 'text/csv').then(function (blob) {
      var link = el('a', { href: URL.createObjectURL(blob), download: eventId + '-registrations.csv' });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }).catch(function (error) { alert(problemText(error)); });
  }

  function actionCell(buttons) { return el('div', { 'class': 'actions' }, buttons); }

  function withNote(placeholder, label, kind, run) {
    var note = el('input', { 'class': 'note', placeholder: placeholder, 'aria-label': placeholder, maxlength: '1000' });
    var outcome = el('span', { 'class': 'muted' });
    var button = el('button', { type: 'button', 'class': kind, text: label });
    button.addEventListener('click', function () {
      button.disabled = true;
      run(note.value.trim()).then(function (message) { outcome.textContent = message || t('done'); outcome.className = ''; })
        .catch(function (error) { outcome.textContent = problemText(error); outcome.className = 'error'; button.disabled = false; });
    });
    return [note, button, outcome];
  }

  function filingsView(view) {
    view.append(el('h1', { text: t('filings') }));
    var body = el('tbody');
    var status = el('p', { 'class': 'muted' });
    view.append(el('div', { 'class': 'table-wrap' }, [el('table', {}, [el('thead', {}, [el('tr', {}, [t('due'), t('status'), t('direction'), t('contract'), t('technology'), t('screening'), ''].map(function (h) { return el('th', { text: h }); }))]), body])]), status);
    var queues = ['awaiting-registration', 'review-required'].map(function (s) {
      return api('GET', '/api/staff/filings?status=' + s + '&pageSize=100').then(function (page) { return page.items; }).catch(function () { return []; });
    });
    Promise.all(queues).then(function (lists) {
      var items = lists[0].concat(lists[1]).sort(function (a, b) { return a.decisionDueBy < b.decisionDueBy ? -1 : a.decisionDueBy > b.decisionDueBy ? 1 : 0; });
      items.forEach(function (f) {
        var left = f.workingDaysLeft; // the server counts on the Beijing calendar with its holidays
        var decide = function (decision) {
          return function (note) {
            return api('POST', '/api/staff/filings/' + encodeURIComponent(f.filingId) + '/decision', { decision: decision, note: note || undefined })
              .then(function (result) { return result && result.certificateNumber ? t('certificate') + ' ' + result.certificateNumber : t('done'); });
          };
        };
        var approve = el('button', { type: 'button', text: t('approve'), 'data-action': 'approve' });
        var rejectParts = withNote(t('note'), t('reject'), 'danger', decide('reject'));
        var approveOutcome = el('span', { 'class': 'certificate' });
        approve.addEventListener('click', function () {
          approve.disabled = true;
          decide('approve')(rejectParts[0].value.trim()).then(function (message) { approveOutcome.textContent = message; })
            .catch(function (error) { approveOutcome.textContent = problemText(error); approveOutcome.className = 'error'; approve.disabled = false; });
        });
        body.appendChild(el('tr', { 'data-filing': f.filingId }, [
          el('td', {}, [el('span', { 'class': left <= 1 ? 'due-soon' : '', text: f.decisionDueBy + ' (' + left + ' ' + t('daysLeft') + ')' })]),
          el('td', {}, [el('span', { 'class': 'tag', text: f.status })]),
          el('td', { text: f.direction }),
          el('td', { text: f.contractNumber + ' · ' + f.contractTitle }),
          el('td', { text: f.technologyName }),
          el('td', { text: f.screeningControl || '' }),
          el('td', {}, [actionCell([approve, approveOutcome].concat(rejectParts))])
        ]));
      });
      status.textContent = items.length ? '' : t('nothing');
    });

    view.append(el('h2', { text: t('registeredFilings') }));
    pagedTable(view, '/api/staff/filings?status=registered', [
      { title: t('certificate'), cell: function (f) { return document.createTextNode(f.certificateNumber || ''); } },
      { title: t('contract'), cell: function (f) { return document.createTextNode(f.contractNumber + ' · ' + f.contractTitle); } },
      { title: t('enterprise'), cell: function (f) { return document.createTextNode(f.domesticPartyName); } },
      { title: '', cell: function (f) {
        return actionCell(withNote(t('voidNote'), t('void'), 'danger', function (note) {
          return api('POST', '/api/staff/filings/' + encodeURIComponent(f.filingId) + '/void', { note: note });
        }));
      } }
    ]);
  }

  function applicantsView(view) {
    view.append(el('h1', { text: t('applicants') }));
    pagedTable(view, '/api/staff/applicants?enterprise=unchecked', [
      { title: t('enterprise'), cell: function (a) { return document.createTextNode(a.name); } },
      { title: t('uscc'), cell: function (a) { return document.createTextNode(a.uscc); } },
      { title: t('contact'), cell: function (a) { return document.createTextNode((a.contactName || '') + ' ' + (a.contactEmail || '')); } },
      { title: '', cell: function (a) {
        var decide = function (decision) {
          return function (note) { return api('POST', '/api/staff/applicants/' + encodeURIComponent(a.applicantId) + '/verification', { decision: decision, note: note || undefined }); };
        };
        var approve = withNote(t('note'), t('approve'), '', decide('approve'));
        return actionCell(approve.concat(withNote(t('note'), t('reject'), 'danger', decide('reject')).slice(1)));
      } }
    ]);
  }

  var cooperationStatuses = ['proposed', 'under-review', 'signed', 'active', 'completed', 'terminated', 'expired'];

  function cooperationsView(view, selected) {
    var current = cooperationStatuses.indexOf(selected) >= 0 ? selected : 'under-review';
    var select = el('select', { id: 'cooperation-status', on: { change: function () { location.hash = '#/cooperations/' + select.value; } } },
      cooperationStatuses.map(function (s) { return el('option', { value: s, selected: s === current, text: s }); }));
    view.append(el('h1', { text: t('cooperations') }), el('div', { 'class': 'toolbar' }, [el('label', { 'for': 'cooperation-status', text: t('status') }), select]));
    pagedTable(view, '/api/staff/cooperations?status=' + current, [
      { title: t('title'), cell: function (c) { return document.createTextNode(c.title); } },
      { title: t('partner'), cell: function (c) { return document.createTextNode(c.partnerId + ' · ' + c.country); } },
      { title: t('move'), cell: function (c) {
        var note = el('input', { 'class': 'note', placeholder: t('note'), 'aria-label': t('note'), maxlength: '1000' });
        var outcome = el('span', { 'class': 'muted' });
        var buttons = (c.nextStatuses || []).map(function (next) {
          var button = el('button', { type: 'button', 'class': next === 'terminated' ? 'danger' : 'secondary', text: next });
          button.addEventListener('click', function () {
            button.disabled = true;
            api('POST', '/api/staff/cooperations/' + encodeURIComponent(c.cooperationId) + '/transitions', { to: next, version: c.version, note: note.value.trim() || undefined })
              .then(function (moved) { outcome.textContent = moved.status; c.version = moved.version; })
              .catch(function (error) { outcome.textContent = problemText(error); outcome.className = 'error'; button.disabled = false; });
          });
          return button;
        });
        return actionCell(buttons.length ? [note].concat(buttons, [outcome]) : [outcome]);
      } }
    ]);
  }

  function noticesView(view) {
    view.append(el('h1', { text: t('notices') }));
    pagedTable(view, '/api/staff/notices?status=failed', [
      { title: t('recipient'), cell: function (n) { return document.createTextNode(n.recipient); } },
      { title: t('subject'), cell: function (n) { return document.createTextNode(n.subject); } },
      { title: t('attempts'), cell: function (n) { return document.createTextNode(String(n.attempts)); } },
      { title: t('error'), cell: function (n) { return document.createTextNode(n.lastError || ''); } }
    ]);
  }

  // ---- the check-in desk ---------------------------------------------------------------------------------

  function checkInView(view, eventId) {
    var root = document.getElementById('check-in-template').content.firstElementChild.cloneNode(true);
    view.appendChild(root);
    root.querySelectorAll('[data-i18n]').forEach(function (node) { node.textContent = t(node.getAttribute('data-i18n')); });
    var q = function (selector) { return root.querySelector(selector); };
    var video = q('.camera'), canvas = q('.frame'), cameraState = q('.camera-state');
    var counts = { confirmed: 0, checkedIn: 0 };
    var stopped = false, stream = null, lastPayload = '', lastAt = 0, busy = false;

    api('GET', '/api/events/' + encodeURIComponent(eventId)).then(function (e) { q('.event-title').textContent = e.title; })
      .catch(function (error) { q('.event-title').textContent = eventId + ' — ' + problemText(error); });

    function showCounts() { q('.checked-in').textContent = String(counts.checkedIn); q('.confirmed').textContent = String(counts.confirmed); }

    // The count comes from the server's registrations list; a green scan adds one until the next refresh.
    function refreshCounts() {
      var confirmed = 0, checkedIn = 0;
      function page(continuation) {
        return api('GET', '/api/staff/events/' + encodeURIComponent(eventId) + '/registrations?pageSize=100' + (continuation ? '&continuation=' + encodeURIComponent(continuation) : ''))
          .then(function (p) {
            p.items.forEach(function (r) { if (r.status === 'confirmed') { confirmed++; if (r.checkedInAt) checkedIn++; } });
            return p.continuation ? page(p.continuation) : null;
          });
      }
      return page(null).then(function () { counts.confirmed = confirmed; counts.checkedIn = checkedIn; showCounts(); }).catch(function () {});
    }

    function show(kind, status, name, organization, detail) {
      var result = q('.result');
      result.className = 'result ' + kind;
      result.setAttribute('data-outcome', kind);
      q('.result-status').textContent = status;
      q('.result-name').textContent = name || '';
      q('.result-org').textContent = organization || '';
      q('.result-detail').textContent = detail || '';
    }

    function outcome(error) {
      var p = error.problem || {};
      if (error.status === 404) return show('red', t('unknown'), '', '', p.detail);
      if (error.status === 409 && p.checkedInAt) return show('amber', t('alreadyAt') + ' ' + beijing(p.checkedInAt).split(' ').pop(), p.name, p.organization, beijing(p.checkedInAt));
      if (error.status === 409 && p.eventId) return show('red', t('otherEvent'), p.name, p.organization, p.detail);
      if (error.status === 409 && p.status === 'cancelled') return show('red', t('cancelled'), p.name, p.organization, p.detail);
      if (error.status === 409) return show('red', t('notConfirmed'), p.name, p.organization, p.detail);
      return show('red', String(error.status), '', '', problemText(error));
    }

    // Offline: a scan that could not reach the server waits in localStorage and is sent again; the server's
    // once-only rule decides, so a scan sent twice is green once and amber after, never counted twice.
    function pending() { try { return JSON.parse(localStorage.getItem(PENDING) || '[]'); } catch (e) { return []; } }
    function savePending(list) { localStorage.setItem(PENDING, JSON.stringify(list)); var note = q('.pending'); note.hidden = !list.length; note.textContent = list.length + ' ' + t('pendingScans'); }

    function send(scan) {
      var call = scan.secret
        ? api('POST', '/api/staff/check-ins', { secret: scan.secret, eventId: eventId })
        : api('POST', '/api/staff/registrations/' + encodeURIComponent(scan.code) + '/check-in?eventId=' + encodeURIComponent(eventId));
      return call.then(function (receipt) {
        counts.checkedIn++;
        showCounts();
        show('green', t('checkedInNow'), receipt.name, receipt.organization, receipt.code + ' · ' + beijing(receipt.checkedInAt));
        return true;
      }, function (error) {
        if (!(error instanceof ApiError) || error.status === 503 || error.status === 502 || error.status === 504) throw error;
        outcome(error);
        return true;
      });
    }

    function submit(scan) {
      return send(scan).catch(function () {
        var list = pending();
        list.push(scan);
        savePending(list);
        show('queued', t('queued'), '', '', '');
      });
    }

    var retry = setInterval(function () {
      var list = pending();
      if (!list.length || busy) return;
      busy = true;
      send(list[0]).then(function () { savePending(pending().slice(1)); }, function () {}).then(function () { busy = false; });
    }, 3000);
    savePending(pending());

    q('.typed').addEventListener('submit', function (event) {
      event.preventDefault();
      var input = q('.typed input');
      var code = input.value.trim().toUpperCase().replace(/[\s-]/g, '');
      if (!code) return;
      input.value = '';
      submit({ code: code });
    });

    var detector = null;
    if ('BarcodeDetector' in window) {
      try { detector = new window.BarcodeDetector({ formats: ['qr_code'] }); } catch (e) { detector = null; }
    }

    function decode() {
      if (detector) return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; }).catch(function () { return null; });
      if (!window.jsQR || !video.videoWidth) return Promise.resolve(null);
      var scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      var context = canvas.getContext('2d', { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
      return Promise.resolve(found ? found.data : null);
    }

    function loop() {
      if (stopped) return;
      decode().then(function (payload) {
        var now = Date.now();
        // The same badge held in front of the camera is one scan, not one per frame.
        if (payload && (payload !== lastPayload || now - lastAt > 4000)) {
          lastPayload = payload;
          lastAt = now;
          return submit({ secret: payload });
        }
        return null;
      }).then(function () { if (!stopped) setTimeout(loop, 150); });
    }

    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      }).then(function () { cameraState.textContent = t('cameraOn'); root.setAttribute('data-camera', 'on'); loop(); })
        .catch(function () { cameraState.textContent = t('cameraOff'); root.setAttribute('data-camera', 'off'); });
    } else {
      cameraState.textContent = t('cameraOff');
      root.setAttribute('data-camera', 'off');
    }

    refreshCounts();
    var refresh = setInterval(refreshCounts, 30000);
    stopView = function () {
      stopped = true;
      clearInterval(retry);
      clearInterval(refresh);
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    };
  }

  // ---- start ---------------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', function () {
    translatePage();
    document.getElementById('key-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var key = document.getElementById('functionKey').value.trim();
      if (!key) return;
      sessionStorage.setItem(KEY, key);
      document.getElementById('functionKey').value = '';
      // A cheap staff call proves the key before any view loads (401 brings the form back with a message).
      api('GET', '/api/staff/notices?status=failed&pageSize=1').then(route, function (error) {
        if (error instanceof ApiError && error.status !== 401 && error.status !== 403) route();
      });
    });
    document.getElementById('sign-out').addEventListener('click', function () { sessionStorage.removeItem(KEY); showSignIn(); });
    document.getElementById('language').addEventListener('click', function () {
      language = language === 'zh' ? 'en' : 'zh';
      localStorage.setItem(LANGUAGE, language);
      translatePage();
      route();
    });
    window.addEventListener('hashchange', route);
    route();
  });
})();
