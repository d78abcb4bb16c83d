using System.Text;
using System.Text.Json;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Tests.Platform;

public sealed class StaffGateTests
{
    [Fact]
    public void With_easy_auth_off_the_principal_header_is_ignored()
    {
        var gate = Gate(easyAuth: false);
        var forged = Request(Principal("mallory", "ForumCloud.Staff"));
        Assert.Equal("staff (function key)", gate.Demand(forged).Name);
        Assert.Equal("staff (function key)", gate.Demand(Request(null)).Name);
    }

    [Fact]
    public void With_easy_auth_on_a_staff_route_needs_a_principal_with_the_staff_role()
    {
        var gate = Gate(easyAuth: true);
        Assert.Equal("li.wei@bjkw.gov.cn", gate.Demand(Request(Principal("li.wei@bjkw.gov.cn", "ForumCloud.Staff"))).Name);
        Assert.Equal(401, Assert.Throws<ProblemException>(() => gate.Demand(Request(null))).Status);
        Assert.Equal(401, Assert.Throws<ProblemException>(() => gate.Demand(Request("not base64!"))).Status);
        Assert.Equal(403, Assert.Throws<ProblemException>(() => gate.Demand(Request(Principal("visitor", "Reader")))).Status);
    }

    private static StaffGate Gate(bool easyAuth) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SettingNames.ConfigKey(SettingNames.EasyAuthEnabled)] = easyAuth ? "true" : "false" }).Build());

    private static HttpRequest Request(string? principal)
    {
        var context = new DefaultHttpContext();
        if (principal is not null) context.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = principal;
        return context.Request;
    }

    // The shape App Service Authentication injects: base64 JSON with auth_typ, name_typ, role_typ and claims.
    internal static string Principal(string name, string role) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        auth_typ = "aad",
        name_typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        claims = new[]
        {
            new { typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", val = name },
            new { typ = "roles", val = role },
        },
    })));
}
