namespace ForumCloud.Functions.Mandate;

/// <summary>
/// The chat page. With Direct Line configured (Azure) it renders Bot Framework Web Chat from the bundled
/// botframework-webchat script with a token from /api/directline/token; without it (local) Web Chat has no
/// channel to talk to, so the page uses a small plain UI over /api/ask.
/// </summary>
internal static class ChatPageHtml
{
    public static string Render(bool useWebChat) => Template
        .Replace("{{WEBCHAT_SCRIPT}}", useWebChat ? "<script src=\"chat/webchat.js\"></script>" : "")
        .Replace("{{USE_WEBCHAT}}", useWebChat ? "true" : "false");

    private const string Template = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Ask the commission — ForumCloud</title>
          <style>
            body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1b1f23; }
            header { background: #0b4f8a; color: #fff; padding: 12px 16px; }
            header h1 { font-size: 1.1rem; margin: 0; }
            #webchat, #plain { max-width: 760px; margin: 0 auto; height: calc(100vh - 56px); display: flex; flex-direction: column; }
            #transcript { flex: 1; overflow-y: auto; padding: 12px; }
            .msg { margin: 8px 0; padding: 8px 12px; border-radius: 8px; max-width: 85%; white-space: pre-wrap; }
            .user { background: #0b4f8a; color: #fff; margin-left: auto; }
            .bot { background: #fff; border: 1px solid #d0d7de; }
            .suggestions button { margin: 4px 4px 0 0; border: 1px solid #0b4f8a; background: #fff; color: #0b4f8a; border-radius: 12px; padding: 4px 10px; cursor: pointer; }
            form { display: flex; gap: 8px; padding: 12px; border-top: 1px solid #d0d7de; background: #fff; }
            input { flex: 1; padding: 8px; font-size: 1rem; }
          </style>
          {{WEBCHAT_SCRIPT}}
        </head>
        <body>
          <header><h1>Ask about the Beijing Municipal Science &amp; Technology Commission / Zhongguancun Administrative Committee</h1></header>
          <div id="webchat" role="main" hidden></div>
          <div id="plain" role="main" hidden>
            <div id="transcript" aria-live="polite"></div>
            <form id="ask">
              <input id="question" name="question" maxlength="500" autocomplete="off" placeholder="Ask a question, e.g. Who prepares the Zhongguancun Forum?" aria-label="Your question">
              <button type="submit">Ask</button>
            </form>
          </div>
          <script>
          (function () {
            var useWebChat = {{USE_WEBCHAT}};
            function plain() {
              var root = document.getElementById('plain'), transcript = document.getElementById('transcript');
              var form = document.getElementById('ask'), input = document.getElementById('question');
              root.hidden = false;
              function add(cls, text) {
                var div = document.createElement('div'); div.className = 'msg ' + cls; div.textContent = text;
                transcript.appendChild(div); transcript.scrollTop = transcript.scrollHeight; return div;
              }
              function ask(question) {
                add('user', question);
                fetch('ask', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ question: question }) })
                  .then(function (r) { return r.json(); })
                  .then(function (answer) {
                    var div = add('bot', answer.answer || answer.detail || 'Sorry, no answer.');
                    div.setAttribute('data-answered', String(!!answer.answered));
                    if (answer.sources && answer.sources.length) div.setAttribute('data-section', answer.sources[0].section);
                    var list = document.createElement('div'); list.className = 'suggestions';
                    (answer.suggestions || []).forEach(function (s) {
                      var b = document.createElement('button'); b.type = 'button'; b.textContent = s;
                      b.onclick = function () { ask(s); }; list.appendChild(b);
                    });
                    div.appendChild(list);
                  })
                  .catch(function () { add('bot', 'Sorry — the service did not answer. Please try again.'); });
              }
              form.addEventListener('submit', function (e) {
                e.preventDefault(); var q = input.value.trim(); if (!q) return; input.value = ''; ask(q);
              });
              add('bot', 'Hello! Ask me what the commission does — for example who prepares the Zhongguancun Forum. I quote its mandate and cite the duty.');
            }
            if (!useWebChat || !window.WebChat) { plain(); return; }
            fetch('directline/token', { method: 'POST' })
              .then(function (r) { if (!r.ok) throw new Error('token'); return r.json(); })
              .then(function (t) {
                var el = document.getElementById('webchat'); el.hidden = false;
                window.WebChat.renderWebChat({ directLine: window.WebChat.createDirectLine({ token: t.token }), locale: 'en-US' }, el);
              })
              .catch(plain);
          })();
          </script>
        </body>
        </html>
        """;
}
