namespace ForumCloud.Functions.Mandate;

/// <summary>
/// The chat page: Bot Framework Web Chat from the bundled botframework-webchat script, always, over Direct Line
/// with a token from /api/directline/token (Azure Bot Service in Azure; the local runner's Direct Line endpoint
/// locally, whose address comes with the token). The page sends a "webchat/join" event when connected and the
/// bot greets it. Every URL is absolute from the API base, so /api/chat and /api/chat/ behave the same.
/// </summary>
internal static class ChatPageHtml
{
    /// <summary>The API base ("/api") from the page's own path ("/api/chat" or "/api/chat/").</summary>
    public static string ApiBase(string? path)
    {
        var trimmed = (path ?? "").TrimEnd('/');
        return trimmed.EndsWith("/chat", StringComparison.OrdinalIgnoreCase) ? trimmed[..^"/chat".Length] : "/api";
    }

    /// <summary>Scripts only from the app and the page's own nonce; Direct Line's service (HTTPS and WebSocket) the only other address; never framed.</summary>
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        + "connect-src 'self' https://directline.botframework.com wss://directline.botframework.com; media-src 'self' blob:; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public static string Render(string apiBase, string nonce, bool hasBundle) => Template
        .Replace("{{API_BASE}}", System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(apiBase))
        .Replace("{{NONCE}}", nonce)
        .Replace("{{BUNDLE}}", hasBundle ? "true" : "false");

    private static readonly string Template = HtmlPage.Document("en", "Ask the commission — ForumCloud", Style, Body, indexed: true);

    private const string Style = """
        html, body { height: 100%; margin: 0; }
        body { font-family: system-ui, "WenQuanYi Zen Hei", sans-serif; background: #f4f6f8; color: #1b1f23; display: flex; flex-direction: column; height: 100vh; height: 100dvh; }
        header { flex: none; background: #0b4f8a; color: #fff; padding: 10px 16px; }
        header h1 { font-size: 1.05rem; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        header p { font-size: .8rem; margin: 2px 0 0; opacity: .85; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        main { flex: 1 1 auto; min-height: 0; width: 100%; max-width: 760px; margin: 0 auto; background: #fff; display: flex; flex-direction: column; }
        #webchat { flex: 1 1 auto; min-height: 0; }
        #status { margin: 16px; color: #57606a; }
        #status[hidden] { display: none; }
        @media (max-width: 480px) { header p { display: none; } }
        """;

    private const string Body = """
        <header>
          <h1>Ask the commission · 咨询科委职责</h1>
          <p>Beijing Municipal Science &amp; Technology Commission / Zhongguancun Administrative Committee — answers quote its mandate</p>
        </header>
        <main>
          <p id="status" role="status">Connecting to the chat… 正在连接…</p>
          <div id="webchat" role="region" aria-label="Chat"></div>
        </main>
        <script nonce="{{NONCE}}">
        (function () {
          var api = '{{API_BASE}}';
          var status = document.getElementById('status');
          function fail(message) { status.hidden = false; status.textContent = message; }
          if (!{{BUNDLE}}) { fail('The chat is not available: this build has no Web Chat bundle (run npm ci before building).'); return; }
          var script = document.createElement('script');
          script.src = api + '/chat/webchat.js';
          script.onerror = function () { fail('The chat could not load. Please reload the page.'); };
          script.onload = start;
          document.head.appendChild(script);
          function start() {
            var chinese = /^zh/i.test(navigator.language || '');
            fetch(api + '/directline/token', { method: 'POST' })
              .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
              .then(function (t) {
                var options = { token: t.token };
                // The local runner's Direct Line: same origin, polled (Azure's uses its WebSocket stream).
                if (t.domain) { options.domain = t.domain; options.webSocket = false; options.pollingInterval = 500; }
                var store = window.WebChat.createStore({}, function (s) { return function (next) { return function (action) {
                  if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
                    s.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { language: chinese ? 'zh' : 'en' } } });
                  }
                  return next(action);
                }; }; });
                status.hidden = true;
                window.WebChat.renderWebChat({
                  directLine: window.WebChat.createDirectLine(options),
                  store: store,
                  locale: chinese ? 'zh-CN' : 'en-US',
                  overrideLocalizedStrings: { TEXT_INPUT_PLACEHOLDER: 'Ask a question · 请输入您的问题' },
                  styleOptions: { hideUploadButton: true, bubbleMaxWidth: 600 }
                }, document.getElementById('webchat'));
                var box = document.querySelector('#webchat input, #webchat textarea');
                if (box) box.focus();
              })
              .catch(function (e) { fail(e && e.message === '429' ? 'Too many chats from here just now; please wait a minute and reload.' : 'The chat service did not answer. Please reload the page.'); });
          }
        })();
        </script>
        """;
}
