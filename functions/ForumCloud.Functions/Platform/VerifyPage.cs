using System.Net;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The page behind a verification link (GET, which changes nothing: mail scanners follow links). It reads the
/// token from the link's fragment and posts it to the verify route only when the reader presses Confirm, then
/// shows the access token once.
/// </summary>
public static class VerifyPage
{
    public static Microsoft.AspNetCore.Mvc.ContentResult Render(Microsoft.AspNetCore.Http.HttpResponse response, string title, string postPath) =>
        HtmlPage.Result(response, Template
            .Replace("{{TITLE}}", WebUtility.HtmlEncode(title), StringComparison.Ordinal)
            .Replace("{{POST_PATH}}", postPath, StringComparison.Ordinal), cacheControl: "no-store");

    private static readonly string Template = HtmlPage.Document("zh-CN", "{{TITLE}}", Style, Body);

    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 640px; margin: 40px auto; padding: 0 16px; color: #1b1f23; }
        button { font-size: 1rem; padding: 10px 20px; background: #0b4f8a; color: #fff; border: 0; border-radius: 6px; cursor: pointer; }
        code { display: block; word-break: break-all; background: #f4f6f8; padding: 12px; margin: 12px 0; }
        """;

    private const string Body = """
        <h1>{{TITLE}}</h1>
        <p>按“确认”完成验证。Press Confirm to complete the verification.</p>
        <button id="confirm" type="button">确认 Confirm</button>
        <div id="result" aria-live="polite"></div>
        <script>
          const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
          const result = document.getElementById("result");
          document.getElementById("confirm").addEventListener("click", async () => {
            const response = await fetch("{{POST_PATH}}", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
            const body = await response.json().catch(() => ({}));
            result.replaceChildren();
            const p = document.createElement("p");
            if (response.ok) {
              p.textContent = "已验证。访问令牌只显示这一次，请妥善保存。Verified. The access token is shown this once: keep it safe.";
              const code = document.createElement("code");
              code.id = "access-token";
              code.textContent = body.accessToken;
              result.append(p, code);
              document.getElementById("confirm").disabled = true;
            } else {
              p.textContent = (body.title || "Error") + " " + (body.detail || "");
              result.append(p);
            }
          });
        </script>
        """;
}
