using System.Net;
using Microsoft.AspNetCore.Http;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The caller's IP address as the rate limits see it. Behind App Service's front ends (and Front Door) the
/// connection comes from a proxy; each proxy appends the address it saw to X-Forwarded-For. Only the
/// entries the platform's own proxies appended can be trusted (a client writes whatever it likes in front
/// of them), so the address is the entry <c>trustedProxies</c> places from the right, counting from 1.
/// Locally no proxy sits in front (0): the connection's own address.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpRequest request, int trustedProxies)
    {
        if (trustedProxies > 0 && request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var hops = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (hops.Length >= trustedProxies && Normalise(hops[^trustedProxies]) is { } address) return address;
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    // "203.0.113.7:52110" and "[2001:db8::1]:443" carry a port: keep the address only; junk is not an address.
    private static string? Normalise(string hop)
    {
        if (IPAddress.TryParse(hop, out var plain)) return plain.ToString();
        if (IPEndPoint.TryParse(hop, out var endpoint)) return endpoint.Address.ToString();
        return null;
    }
}
