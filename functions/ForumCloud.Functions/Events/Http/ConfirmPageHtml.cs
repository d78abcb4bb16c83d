using System.Security.Cryptography;
using System.Text;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The page a confirmation link opens. It is static: the token never passes through the server's HTML (the script reads
/// it from the address bar), so nothing can be injected, and only the button's POST changes anything. The manage token
/// is shown once on the page.
/// </summary>
public static class ConfirmPageHtml
{
    private const string Script = """
        const token = new URLSearchParams(location.search).get('token') || '';
        const button = document.getElementById('confirm');
        const out = document.getElementById('result');
        if (!token) { button.disabled = true; out.textContent = 'This link has no token. 此链接缺少令牌。'; }
        button.addEventListener('click', async () => {
          button.disabled = true;
          out.textContent = '…';
          try {
            const response = await fetch('registrations/confirm', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' }, body: JSON.stringify({ token }) });
            const body = await response.json();
            if (response.ok) {
              out.replaceChildren();
              const lines = [
                ['Registration code 报名编号', body.code],
                ['Status 状态', body.status + (body.waitlistPosition ? ' #' + body.waitlistPosition : '')],
                ['Manage token (shown once; keep it) 管理令牌（仅显示一次，请妥善保存）', body.manageToken]];
              for (const [label, value] of lines) {
                const dt = document.createElement('dt'); dt.textContent = label;
                const dd = document.createElement('dd'); dd.textContent = value; dd.className = 'value';
                out.append(dt, dd);
              }
              out.dataset.outcome = 'confirmed';
            } else {
              out.textContent = (body.title || 'Not confirmed.') + ' ' + (body.detail || '');
              out.dataset.outcome = 'refused';
            }
          } catch (e) {
            out.textContent = 'The service did not answer; try again. 服务未响应，请重试。';
            button.disabled = false;
          }
        });
        """;

    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; connect-src 'self'; style-src 'unsafe-inline'; script-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)))}'; base-uri 'none'; form-action 'none'";

    public static string Page { get; } = Platform.HtmlPage.Document("zh-Hans", "Confirm your registration · 确认报名 — Zhongguancun Forum",
        """body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1.1rem;padding:.6rem 1.4rem}dd.value{font-family:monospace;word-break:break-all}""",
        $$"""
        <h1>确认报名 · Confirm your registration</h1>
        <p>请点击按钮确认您的报名。未确认的名额将在保留期结束后释放。<br>Press the button to confirm your registration. An unconfirmed place is released when its hold ends.</p>
        <button id="confirm" type="button">确认报名 · Confirm</button>
        <dl id="result" aria-live="polite"></dl>
        <script>{{Script}}</script>
        """);
}
