using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Platform;

/// <summary>Who acted, for history and audit records.</summary>
public sealed record StaffActor(string Name)
{
    /// <summary>The actor the edge admitted for this request (a <see cref="StaffOnlyAttribute"/> function's).</summary>
    public static StaffActor Of(HttpRequest request) =>
        request.HttpContext.Features.Get<StaffActor>()
        ?? throw new InvalidOperationException("No staff actor on this request: the function is not marked [StaffOnly], or it ran outside the HTTP edge.");
}

/// <summary>
/// The second lock on staff routes. The first is the function key (AuthorizationLevel.Function),
/// enforced by the Functions host. When App Service Authentication (Easy Auth) is switched on
/// (<see cref="SettingNames.EasyAuthEnabled"/>), the platform injects X-MS-CLIENT-PRINCIPAL (and strips
/// client-sent copies); the caller must then carry the staff app role. When it is off, that header is
/// ignored — anyone could have sent it.
/// </summary>
public sealed class StaffGate(IConfiguration configuration)
{
    public const string DefaultRole = "ForumCloud.Staff";
    private const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    private bool EasyAuthEnabled => string.Equals(configuration[SettingNames.ConfigKey(SettingNames.EasyAuthEnabled)], "true", StringComparison.OrdinalIgnoreCase);

    private string Role => configuration[SettingNames.ConfigKey(SettingNames.StaffRole)] is { Length: > 0 } role ? role : DefaultRole;

    /// <summary>Throws 401/403 problem details unless the request may use a staff route; returns the actor.</summary>
    public StaffActor Demand(HttpRequest request)
    {
        if (!EasyAuthEnabled) return new StaffActor("staff (function key)");

        var principal = ClientPrincipal.Parse(request.Headers[PrincipalHeader].ToString())
            ?? throw new ProblemException(401, "Sign-in required.", "Staff routes need a signed-in commission account.");
        if (!principal.Roles.Contains(Role, StringComparer.OrdinalIgnoreCase))
        {
            throw new ProblemException(403, "Not allowed.", $"Staff routes need the '{Role}' role.");
        }

        return new StaffActor(principal.Name ?? "staff");
    }
}

/// <summary>The decoded X-MS-CLIENT-PRINCIPAL header (base64 JSON with claims) of App Service Authentication.</summary>
public sealed record ClientPrincipal(string? Name, IReadOnlyList<string> Roles)
{
    public static ClientPrincipal? Parse(string header)
    {
        if (string.IsNullOrEmpty(header) || header.Length > 16 * 1024) return null;
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            var root = doc.RootElement;
            var nameType = root.TryGetProperty("name_typ", out var nt) ? nt.GetString() : null;
            var roleType = root.TryGetProperty("role_typ", out var rt) ? rt.GetString() : null;
            var claims = root.GetProperty("claims").EnumerateArray()
                .Select(c => (Type: c.GetProperty("typ").GetString(), Value: c.GetProperty("val").GetString()))
                .ToList();
            var roles = claims.Where(c => c.Type == "roles" || (roleType is not null && c.Type == roleType)).Select(c => c.Value!).ToArray();
            var name = claims.FirstOrDefault(c => c.Type == nameType || c.Type == "name").Value;
            return new ClientPrincipal(name, roles);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
